"""Shared infrastructure below every stage: errors, settings base, database, auth, API dependencies."""
