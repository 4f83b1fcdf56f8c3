"""Custom actions of the citizen bot (rasa-sdk). They hold no knowledge of their own:
every answer comes from the main service over HTTP (catalogue, pre-check, work orders)."""
