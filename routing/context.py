"""Everything routing loads once at start-up, validated, in one object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from classifier.holder import ModelHolder
from classifier.taxonomy import SubcategoryCandidate, Taxonomy
from core.db import utcnow
from core.throttle import Throttle
from routing.departments.service import LearnedDispatcher, table_units
from routing.departments.units import Unit
from routing.dispatch import Dispatcher
from routing.places import PlaceExtractor
from routing.settings import RouterSettings
from routing.sla import SlaTable, load_sla_table
from routing.table import RoutingTable, load_routing_table
from service_guide.api import Guide

if TYPE_CHECKING:
    from routing.orm import Ticket
    from routing.tickets import Correction

#: Called in the operation's session for every human correction (the learning stage stores them).
CorrectionSink = Callable[[Session, "Correction"], None]


@dataclass(frozen=True)
class ReplyVerdict:
    """What a reply check says of a department's reply: whether to hold it for an operator, and why."""

    poor: bool
    reasons: list[str] = field(default_factory=list)
    scores: dict = field(default_factory=dict)


#: Judges a department's reply (the order, the reply text, when) before it reaches the citizen.
ReplyCheck = Callable[["Ticket", str, datetime], ReplyVerdict]


def pass_every_reply(ticket: Ticket, reply: str, at: datetime) -> ReplyVerdict:
    return ReplyVerdict(poor=False)


@dataclass
class RouterContext:
    settings: RouterSettings
    table: RoutingTable
    sla: SlaTable
    dispatcher: Dispatcher | LearnedDispatcher
    models: ModelHolder
    types: ModelHolder
    taxonomy: Taxonomy | None
    record_correction: CorrectionSink
    #: The unit each routing-table department stands for (a correction with a table code teaches it).
    table_units: dict[str, Unit] = field(default_factory=dict)
    guide: Guide | None = None  # answers 咨询 orders from the catalogue (一次办结)
    check_reply: ReplyCheck = field(default=pass_every_reply)
    clock: Callable[[], datetime] = field(default=utcnow)
    #: Attempts with a 查询码 (lookups and ratings), per client address and per order.
    citizen_throttle: Throttle = field(default_factory=lambda: Throttle("citizen", 10, 60))
    #: Public 好差评 of the bot's answers, per client address (the bot's own token is not throttled).
    rating_throttle: Throttle = field(default_factory=lambda: Throttle("bot-rating", 30, 60))

    def __post_init__(self) -> None:
        # An order is shown again and again (queues, reads, every action) and what its text yields from
        # the static catalogue and taxonomy does not change: searching the catalogue took 13 ms a 咨询 order.
        size = self.settings.shown_cache_size
        self._consult = lru_cache(maxsize=size)(self.guide.consult) if self.guide is not None else None
        self._candidates = lru_cache(maxsize=size)(self.taxonomy.candidates) if self.taxonomy is not None else None

    def guide_answer(self, text: str) -> dict[str, Any] | None:
        """The catalogue's answer to a question (咨询) in ``text``, if it has one (shared: do not change it)."""
        return self._consult(text) if self._consult is not None else None

    def subcategory_candidates(self, level1: str, text: str) -> list[SubcategoryCandidate]:
        """The taxonomy's level 2–3 candidates under ``level1`` for ``text`` (none without a taxonomy)."""
        return list(self._candidates(level1, text)) if self._candidates is not None else []

    @classmethod
    def build(cls, settings: RouterSettings, models: ModelHolder, types: ModelHolder, taxonomy: Taxonomy | None,
              record_correction: CorrectionSink, departments: ModelHolder | None = None,
              guide: Guide | None = None, check_reply: ReplyCheck = pass_every_reply,
              redis_url: str | None = None) -> RouterContext:
        """Load and validate the routing table, SLA table and gazetteer; warm the place extractor up;
        choose the dispatch source (``settings.dispatch_source``; ``departments`` holds the learned model).
        ``check_reply`` is the analysis stage's hook (the reply check; the analysis reads new orders itself);
        with ``redis_url`` the citizen throttle is shared by every worker."""
        table = load_routing_table(settings.routing_table)
        dispatcher = Dispatcher(table, PlaceExtractor(settings.gazetteer), settings.auto_dispatch_threshold)
        dispatcher.places.extract("预热")
        units = table_units(table, dispatcher.places.district)
        if settings.dispatch_source == "learned":
            if departments is None:
                raise ValueError("the learned dispatch source needs the dispatch model's registry")
            dispatcher = LearnedDispatcher(departments, table, units)
        return cls(settings=settings, table=table, sla=load_sla_table(settings.sla_table), dispatcher=dispatcher,
                   models=models, types=types, taxonomy=taxonomy, record_correction=record_correction,
                   table_units=units, guide=guide, check_reply=check_reply,
                   citizen_throttle=Throttle("citizen", settings.citizen_attempts, settings.citizen_window_seconds,
                                             redis_url=redis_url),
                   rating_throttle=Throttle("bot-rating", settings.bot_ratings_per_minute, 60, redis_url=redis_url))
