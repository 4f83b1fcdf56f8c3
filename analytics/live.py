"""Live hot issues for the running service: rebuilt from recent work orders, then joined one by one.

At start-up ``rebuild`` groups the recent work orders and replays them for the warnings they
raised; after that every new order joins its issue as it arrives (``add``, a few milliseconds)
and the early warning is checked for that issue on the spot, so a surge is flagged the day it
happens. Place names and the vocabulary are learned at a rebuild, so one follows by itself once
the orders have grown by ``growth`` (×1.5) or a day of orders has passed since the last (``every``):
a new estate named by several orders is then recognised, and the grouping is redone in full.
A lock keeps concurrent intakes from interleaving. Until enough orders exist to learn from
(``min_messages``), arrivals wait and the first rebuild takes them all.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from analytics.dataset import Message
from analytics.hotspots import HotIssues, HotspotConfig
from analytics.issues import Issue
from analytics.warning import EarlyWarning, Warning


@dataclass(frozen=True)
class Joined:
    """Where a new order went: its issue (None while waiting for a first rebuild) and any warning it raised."""

    issue: int | None
    warning: Warning | None


class LiveIssues:
    def __init__(self, config: HotspotConfig | None = None, known_places: dict[str, str] | None = None,
                 min_messages: int = 10, growth: float = 1.5, every: timedelta = timedelta(days=1)) -> None:
        self.config = config or HotspotConfig.load()
        self.known_places = known_places or {}
        self.min_messages = min_messages
        self.growth = growth
        self.every = every
        self._fitted_size = 0
        self._fitted_until: datetime | None = None
        self._lock = threading.Lock()
        self._hot: HotIssues | None = None
        self._waiting: list[Message] = []
        self._warnings: list[Warning] = []
        self._arrivals: dict[int, list[tuple[datetime, str, str]]] = defaultdict(list)
        self._detector = EarlyWarning(self.config.warning)

    @property
    def ready(self) -> bool:
        return self._hot is not None

    def rebuild(self, messages: Sequence[Message]) -> None:
        """Group ``messages`` afresh (with any still waiting) and replay them for their warnings."""
        with self._lock:
            everything = {m.id: m for m in [*messages, *self._waiting]}
            if len(everything) < max(2, self.min_messages):
                self._waiting = list(everything.values())
                return
            hot = HotIssues(self.config, self.known_places).fit(sorted(everything.values(), key=lambda m: m.time))
            replayed = hot.replay()
            arrivals: dict[int, list[tuple[datetime, str, str]]] = defaultdict(list)
            for message, label in zip(hot.messages, hot.index.labels, strict=True):
                arrivals[label].append((message.time, message.user, message.id))
            detector = EarlyWarning(self.config.warning)
            for label, seen in arrivals.items():
                seen.sort()
                detector.check(label, seen[-1][0].date(), seen)  # arm or disarm as of the last arrival
            self._hot, self._waiting, self._warnings = hot, [], replayed.warnings
            self._arrivals, self._detector = arrivals, detector
            self._fitted_size, self._fitted_until = len(hot.messages), hot.messages[-1].time

    def add(self, message: Message) -> Joined:
        """Join one new order; check the early warning for its issue on the day it arrived."""
        with self._lock:
            if self._hot is None:
                self._waiting.append(message)
                if len(self._waiting) < self.min_messages:
                    return Joined(None, None)
                joined, everything = None, []
            else:
                issue = self._hot.add(message)
                self._arrivals[issue].append((message.time, message.user, message.id))
                warning = self._detector.check(issue, message.time.date(), self._arrivals[issue])
                if warning:
                    members = [i for i, label in enumerate(self._hot.index.labels) if label == issue]
                    warning.description = self._hot.describe_members(members)
                    self._warnings.append(warning)
                joined, everything = Joined(issue, warning), list(self._hot.messages)
                if not self._due(message):
                    return joined
        self.rebuild(everything)
        return joined or Joined(self.issue_of(message.id), None)

    def _due(self, message: Message) -> bool:
        grown = len(self._hot.messages) >= self.growth * self._fitted_size
        return grown or (self._fitted_until is not None and message.time - self._fitted_until >= self.every)

    def issue_of(self, message_id: str) -> int | None:
        with self._lock:
            if self._hot is None:
                return None
            ids = [m.id for m in self._hot.messages]
            return self._hot.index.labels[ids.index(message_id)] if message_id in ids else None

    def issues(self, as_of: datetime | None = None, since: datetime | None = None, top: int = 10) -> list[Issue]:
        """The hottest issues as of ``as_of`` among those with a message since ``since``."""
        with self._lock:
            if self._hot is None:
                return []
            ranked = [i for i in self._hot.issues(as_of) if since is None or i.last >= since]
        for position, issue in enumerate(ranked, start=1):
            issue.rank = position
        return ranked[:top]

    def warnings(self, start: date | None = None, end: date | None = None) -> list[Warning]:
        with self._lock:
            return [w for w in self._warnings if (start is None or w.day >= start) and (end is None or w.day <= end)]
