"""The live issues fed from the database: one reader of the new orders, and what the web workers ask of it.

``LiveAnalysis`` reads the orders stored since its last look (``OrderFeed``) and joins them to the
live issues (``analytics.live``), where the warnings are checked on arrival. It exists once per
service, so every order joins once whichever web worker took it in: in the analysis process
(``analytics.process``), which reads every ``poll_seconds``, or in a single-process service, which
reads before it answers (``catch_up``).
"""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import sessionmaker

from analytics.hotspots import HotspotConfig
from analytics.live import LiveIssues
from analytics.settings import AnalyticsSettings
from analytics.tickets import OrderFeed, orders, ticket_message
from core.db import utcnow
from core.schemas import local_wall_time

log = logging.getLogger(__name__)


class LiveResults(Protocol):
    """What the web workers ask of the live analysis, in JSON as the API answers it."""

    def issues(self, as_of: datetime, since: datetime, top: int) -> dict: ...

    def warnings(self, start: date | None, end: date | None) -> list[dict]: ...

    def catch_up(self) -> int: ...

    def rebuild(self, now: datetime | None = None) -> dict: ...

    def close(self) -> None: ...


class LiveAnalysis:
    """The live issues over the orders in the database: rebuilt from the recent ones, then fed the new."""

    def __init__(self, settings: AnalyticsSettings, config: HotspotConfig, known_places: dict[str, str],
                 sessions: sessionmaker) -> None:
        self.settings = settings
        self.sessions = sessions
        self.live = LiveIssues(config, known_places, min_messages=settings.min_orders,
                               growth=settings.rebuild_growth, every=timedelta(hours=settings.rebuild_hours))
        self.feed = OrderFeed()
        self._reading = threading.Lock()  # one reader of the feed at a time, so each order joins once
        self._stopped = threading.Event()
        self._poller: threading.Thread | None = None

    def rebuild(self, now: datetime | None = None) -> dict:
        """Group the orders of the last ``window_days`` afresh; the feed goes on from the latest of them."""
        with self._reading:
            since = (now or utcnow()) - timedelta(days=self.settings.window_days)
            with self.sessions() as session:
                feed = OrderFeed.from_latest(session)
                messages = [ticket_message(t) for t in orders(session, since) if t.id <= feed.after]
            self.live.rebuild(messages)
            self.feed = feed
        return {"orders": len(messages), "ready": self.live.ready}

    def catch_up(self) -> int:
        """Join every order stored since the last look; returns how many."""
        with self._reading:
            with self.sessions() as session:
                messages = [ticket_message(t) for t in self.feed.new_orders(session)]
            for message in messages:
                try:
                    self.live.add(message)
                except Exception:  # one order the analysis cannot take must not stop the others
                    log.exception("live join failed for order %s", message.id)
        return len(messages)

    def start(self) -> None:
        """Read new orders every ``poll_seconds`` on a thread until ``close`` (the analysis process)."""
        self._poller = threading.Thread(target=self._poll, name="analytics-live-join", daemon=True)
        self._poller.start()

    def _poll(self) -> None:
        while not self._stopped.wait(self.settings.poll_seconds):
            try:
                self.catch_up()
            except Exception:  # the database away for a moment: try again at the next poll
                log.exception("reading new orders for the live issues failed")

    def close(self) -> None:
        self._stopped.set()
        if self._poller is not None:
            self._poller.join(timeout=30)

    def issues(self, as_of: datetime, since: datetime, top: int) -> dict:
        ranked = self.live.issues(as_of=as_of, since=since, top=top)
        # message times are China wall-clock times (analytics.tickets): served with their offset like every time
        return {"ready": self.live.ready,
                "issues": [{**i.to_json(), "first": local_wall_time(i.first), "last": local_wall_time(i.last)}
                           for i in ranked]}

    def warnings(self, start: date | None, end: date | None) -> list[dict]:
        return [w.to_json() for w in self.live.warnings(start, end)]
