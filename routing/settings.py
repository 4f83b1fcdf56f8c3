"""Routing settings: the routing table, gazetteer and SLA table, and how intake and dispatch behave.

The database, the model directories and the bot URL are other concerns, each defined once
(``core.settings``, ``classifier.settings``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import SettingsConfigDict

from core.settings import Settings, package_file

CONFIG_DIR = package_file("routing", "config")


class RouterSettings(Settings):
    model_config = SettingsConfigDict(env_prefix="ROUTER_")

    routing_table: Path = CONFIG_DIR / "routing_table.yml"
    gazetteer: Path = CONFIG_DIR / "gazetteer.yml"
    sla_table: Path = CONFIG_DIR / "sla.yml"
    # 派单来源: the routing table and categories (a new district without history; the sample district),
    # or the dispatch model learned from replied orders (a city with history; routing.departments).
    dispatch_source: Literal["table", "learned"] = "table"
    # Auto-dispatch threshold of the routing table; the learned model carries its own, chosen in training.
    auto_dispatch_threshold: float = 0.8
    max_text_chars: int = 20000
    # Orders whose catalogue answer and level 2–3 candidates each worker remembers (by text).
    shown_cache_size: int = 4096
    # What a stranger may try without logging in (查询码 lookups, ratings): attempts per client address
    # and per order in a sliding window.
    citizen_attempts: int = 10
    citizen_window_seconds: float = 60
    # 好差评 of the bot's answers are public (the web chat): ratings one client address may post per minute.
    bot_ratings_per_minute: int = 30
