"""The analysis stage inside the running service: the live issues fed from the database, and the reply check.

Joining an order to the live issues costs milliseconds of CPU, and learning place names afresh
seconds; done inside every web worker it took about half of the service's CPU, and each worker
knew only its own intakes. So one ``LiveAnalysis`` reads the new orders back from the database
(``OrderFeed``) and keeps the live issues and warnings. With ``ANALYTICS_SEPARATE_PROCESS`` (the
default) it runs in one analysis process beside the web workers (``analytics.process``), reading
every ``poll_seconds``, and they only ask it for results; without, in the one process itself,
reading when the results are asked for (tests, a single worker). Intake does nothing for it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from analytics.feed import LiveAnalysis, LiveResults
from analytics.hotspots import HotspotConfig
from analytics.places import gazetteer_names
from analytics.process import AnalysisProcess
from analytics.replies import ReplyRules, score_reply
from analytics.settings import AnalyticsSettings
from analytics.tickets import ticket_message
from routing.context import ReplyVerdict
from routing.orm import Ticket


class Analytics:
    """The analysis as the web workers hold it: the reply check, and the live results (``live``) once started."""

    def __init__(self, settings: AnalyticsSettings, gazetteer: Path) -> None:
        self.settings = settings
        self.gazetteer = gazetteer
        self.config = HotspotConfig.load(settings.hotspots_config)
        self.known_places = gazetteer_names(gazetteer)
        self.rules = ReplyRules.load()
        self.live: LiveResults | None = None

    def start(self, sessions: sessionmaker, database_url: str, now: datetime | None = None) -> None:
        """Start the live analysis: this worker's analysis process, or the inline one grouped as of ``now``."""
        if self.settings.separate_process:
            self.live = AnalysisProcess.start(self.settings, self.gazetteer, database_url)
            return
        live = LiveAnalysis(self.settings, self.config, self.known_places, sessions)
        live.rebuild(now)
        self.live = live

    def flush(self) -> None:
        """Join every order stored so far (tests, and the pages that must show the latest)."""
        if self.live is not None:
            self.live.catch_up()

    def close(self) -> None:
        if self.live is not None:
            self.live.close()

    def check_reply(self, ticket: Ticket, reply: str, at: datetime) -> ReplyVerdict:
        """Routing's reply check: the reply-quality scorer on the order's own text."""
        score = score_reply(ticket_message(ticket), self.rules, reply, at)
        scores = {"relevance": score.relevance, "completeness": score.completeness, "timeliness": score.timeliness,
                  "quality": score.quality, "what": score.what, "who": score.who, "when": score.when}
        return ReplyVerdict(poor=score.poor and self.settings.hold_poor_replies, reasons=score.reasons,
                            scores=scores)
