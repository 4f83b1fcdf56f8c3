"""Custom Rasa NLU components of the citizen bot (loaded by `config.yml` through their module path)."""
