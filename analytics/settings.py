"""Analysis settings: which work orders the live issues are grouped over, and whether poor replies are held."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from core.settings import Settings


class AnalyticsSettings(Settings):
    model_config = SettingsConfigDict(env_prefix="ANALYTICS_")

    # Live issues are grouped over the work orders received in this many days before start-up or a rebuild.
    window_days: int = 180
    # Orders wait (unjoined) until this many exist to learn words and place names from.
    min_orders: int = 10
    # Place names and words are learned afresh once the orders have grown this much, or a day of orders
    # (by their time of receipt) has passed since the last time.
    rebuild_growth: float = 1.5
    rebuild_hours: int = 24
    # The hot-issue configuration (analytics/config/hotspots.yml when unset).
    hotspots_config: Path | None = None
    # Hold a department's reply that the reply check flags as poor for an operator before the citizen sees it.
    hold_poor_replies: bool = True
    # A report covers at most this many days (it groups every order up to its end).
    max_report_days: int = 366
