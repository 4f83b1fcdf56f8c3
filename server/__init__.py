"""The composition root: builds every package's state from its settings and mounts every router."""
