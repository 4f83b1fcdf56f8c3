"""The analysis stage inside the running service: live issues fed by intake, and the reply check.

The composition root builds one ``Analytics``, hands ``ticket_arrived`` and ``check_reply`` to
routing as hooks (routing never imports this package), and loads the live issues from the
database once the database is ready (``load``). New orders are joined on a worker thread, so an
intake is never slowed or failed by the analysis; ``flush`` waits for the joins queued so far.
"""

from __future__ import annotations

import logging
import queue
import threading
from datetime import datetime, timedelta

from sqlalchemy.orm import sessionmaker

from analytics.dataset import Message
from analytics.hotspots import HotspotConfig
from analytics.live import LiveIssues
from analytics.places import gazetteer_names
from analytics.replies import ReplyRules, score_reply
from analytics.settings import AnalyticsSettings
from analytics.tickets import orders, ticket_message
from core.db import utcnow
from routing.context import ReplyVerdict
from routing.orm import Ticket

log = logging.getLogger(__name__)


class Analytics:
    def __init__(self, settings: AnalyticsSettings, gazetteer: str) -> None:
        self.settings = settings
        self.config = HotspotConfig.load(settings.hotspots_config)
        self.known_places = gazetteer_names(gazetteer)
        self.live = LiveIssues(self.config, self.known_places, min_messages=settings.min_orders,
                               growth=settings.rebuild_growth, every=timedelta(hours=settings.rebuild_hours))
        self.rules = ReplyRules.load()
        self._arrivals: queue.Queue[Message] = queue.Queue()
        self._worker = threading.Thread(target=self._join_arrivals, name="analytics-live-join", daemon=True)
        self._worker.start()

    def load(self, sessions: sessionmaker, now: datetime | None = None) -> int:
        """Group the orders of the last ``window_days`` afresh; returns how many were read."""
        since = (now or utcnow()) - timedelta(days=self.settings.window_days)
        with sessions() as session:
            messages = [ticket_message(t) for t in orders(session, since)]
        self.live.rebuild(messages)
        return len(messages)

    def ticket_arrived(self, ticket: Ticket) -> None:
        """Intake's hook: queue the new order for the live join (a snapshot, made in the caller's session)."""
        self._arrivals.put(ticket_message(ticket))

    def flush(self) -> None:
        """Wait until every order queued so far has joined its issue."""
        self._arrivals.join()

    def _join_arrivals(self) -> None:
        while True:
            message = self._arrivals.get()
            try:
                self.live.add(message)
            except Exception:  # the analysis must never take intake down with it
                log.exception("live join failed for order %s", message.id)
            finally:
                self._arrivals.task_done()

    def check_reply(self, ticket: Ticket, reply: str, at: datetime) -> ReplyVerdict:
        """Routing's reply check: the reply-quality scorer on the order's own text."""
        score = score_reply(ticket_message(ticket), self.rules, reply, at)
        scores = {"relevance": score.relevance, "completeness": score.completeness, "timeliness": score.timeliness,
                  "quality": score.quality, "what": score.what, "who": score.who, "when": score.when}
        return ReplyVerdict(poor=score.poor and self.settings.hold_poor_replies, reasons=score.reasons,
                            scores=scores)
