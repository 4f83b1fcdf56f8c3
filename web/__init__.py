"""The pages people use: citizen chat, operator console, trainer console, dashboard (served by the main app)."""
