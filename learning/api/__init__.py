"""HTTP routers of the learning stage: /api/feedback and /api/models."""
