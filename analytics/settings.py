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
    # The live join runs in one analysis process beside the web workers, which only ask it for results
    # (analytics.process); off: on the one process itself, joining new orders when the results are read
    # (a single-process service, tests).
    separate_process: bool = True
    # The analysis process reads the new orders from the database this often.
    poll_seconds: float = 1.0
    # It runs this much nicer than the web workers (os.nice): under load the join waits, not the requests.
    process_niceness: int = 10
    # A web worker waits this long for its answer (a rebuild of many orders takes a while).
    request_seconds: float = 120.0
    # Its socket and lock file (default: a folder of this user's in the system's temporary folder).
    runtime_dir: Path | None = None
    # The hot-issue configuration (analytics/config/hotspots.yml when unset).
    hotspots_config: Path | None = None
    # Hold a department's reply that the reply check flags as poor for an operator before the citizen sees it.
    hold_poor_replies: bool = True
    # A report covers at most this many days (it groups every order up to its end).
    max_report_days: int = 366
