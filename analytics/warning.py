"""Early warning (苗头性问题预警): an issue whose arrivals rise faster than its own baseline.

Each day, for every live issue that received a message, count the distinct people who wrote about
it in the last ``window_days`` and compare with what its own history predicts: the distinct people
per day over the ``baseline_days`` before the window (plus ``prior_count`` per baseline, so a brand
new issue is judged against a small background rate instead of zero). Arrivals are treated as
Poisson; the warning fires the first day the window holds at least ``min_count`` people and so
many would happen by chance with probability below ``alpha``. An issue warns again only after
its window has fallen back below ``min_count`` (one warning per surge, not one per day).

People, not messages: one author re-posting daily is persistence, not spread.

``replay`` runs this over a data set in time order with the live join (each message is compared
only with earlier ones), and ``backtest`` scores the warnings against the issues the full grouping
finds at the end: lead time before each large issue's peak week, and warnings on issues that never
grew (false alarms).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

import numpy as np
from scipy.stats import poisson

from analytics.dataset import Message
from analytics.grouping import IssueIndex


@dataclass(frozen=True)
class WarningConfig:
    window_days: int = 7
    baseline_days: int = 56
    min_count: int = 3
    prior_count: float = 1.0
    alpha: float = 0.01
    real_issue_users: int = 5


@dataclass
class Warning:
    """A warning raised on ``day`` for the live issue ``issue``."""

    issue: int
    day: date
    people: int
    expected: float
    p_value: float
    message_ids: list[str] = field(default_factory=list)
    description: str = ""

    def to_json(self) -> dict:
        return {"issue": self.issue, "day": self.day.isoformat(), "people": self.people,
                "expected": round(self.expected, 3), "p_value": float(f"{self.p_value:.3g}"),
                "message_ids": self.message_ids, "description": self.description}


class EarlyWarning:
    """Watches issues day by day; remembers which issues are in a surge already."""

    def __init__(self, config: WarningConfig) -> None:
        self.config = config
        self._armed: dict[int, bool] = defaultdict(lambda: True)

    def check(self, issue: int, day: date, arrivals: Sequence[tuple[datetime, str, str]]) -> Warning | None:
        """``arrivals``: (time, user, message id) of the issue's messages up to the end of ``day``."""
        cfg = self.config
        end = datetime.combine(day, datetime.min.time()) + timedelta(days=1)
        window_start = end - timedelta(days=cfg.window_days)
        base_start = window_start - timedelta(days=cfg.baseline_days)
        in_window = [(t, u, i) for t, u, i in arrivals if window_start <= t < end]
        people = len({u for _, u, _ in in_window})
        if people < cfg.min_count:
            self._armed[issue] = True
            return None
        before = len({u for t, u, _ in arrivals if base_start <= t < window_start})
        expected = (before + cfg.prior_count) * cfg.window_days / cfg.baseline_days
        p_value = float(poisson.sf(people - 1, expected))
        if p_value >= cfg.alpha or not self._armed[issue]:
            return None
        self._armed[issue] = False
        return Warning(issue, day, people, expected, p_value, [i for *_, i in in_window])


@dataclass
class Replay:
    """What the live system would have done: the issue of each message and the warnings, in time order."""

    order: list[int]
    labels: list[int]
    warnings: list[Warning]
    first_day: date
    last_day: date


def replay(messages: Sequence[Message], features, index: IssueIndex, config: WarningConfig,
           describe: Callable[[list[int]], str] | None = None,
           progress: Callable[[str, int, int], None] | None = None) -> Replay:
    """Feed ``messages`` (with their ``features`` rows) to an empty ``index`` in time order, day by day."""
    order = sorted(range(len(messages)), key=lambda i: (messages[i].time, i))
    detector = EarlyWarning(config)
    arrivals: dict[int, list[tuple[datetime, str, str]]] = defaultdict(list)
    members: dict[int, list[int]] = defaultdict(list)
    labels = [0] * len(messages)
    warnings: list[Warning] = []
    position = 0
    while position < len(order):
        day = messages[order[position]].time.date()
        touched = set()
        while position < len(order) and messages[order[position]].time.date() == day:
            i = order[position]
            issue = index.add(features.row(i), messages[i].user)
            labels[i] = issue
            arrivals[issue].append((messages[i].time, messages[i].user, messages[i].id))
            members[issue].append(i)
            touched.add(issue)
            position += 1
        for issue in sorted(touched):
            warning = detector.check(issue, day, arrivals[issue])
            if warning:
                warning.description = describe(members[issue]) if describe else ""
                warnings.append(warning)
        if progress and position % 500 < len(touched):
            progress("回放 replaying", position, len(order))
    first, last = messages[order[0]].time.date(), messages[order[-1]].time.date()
    return Replay(order, labels, warnings, first, last)


def backtest(messages: Sequence[Message], final_labels: Sequence[int], result: Replay, config: WarningConfig,
             top: int = 10) -> dict:
    """Lead time of the first warning before each large issue's peak week, and false alarms per month
    (over the whole replay, and over the busy months that hold at least 1 % of the messages each).

    Large issues are the ``top`` final issues with the most distinct people; a warning belongs to the
    final issue holding most of the messages its live issue had at warning time; a warning whose
    final issue has fewer than ``real_issue_users`` people is a false alarm.
    """
    by_id = {m.id: position for position, m in enumerate(messages)}
    final = np.asarray(final_labels)
    people: dict[int, set[str]] = defaultdict(set)
    for position, label in enumerate(final):
        people[int(label)].add(messages[position].user)
    mapped = []
    for warning in result.warnings:
        owners = final[[by_id[i] for i in warning.message_ids]]
        mapped.append(int(np.bincount(owners).argmax()))
    false_alarms = [w for w, f in zip(result.warnings, mapped, strict=True) if len(people[f]) < config.real_issue_users]
    largest = sorted(people, key=lambda f: (-len(people[f]), f))[:top]
    rows = []
    for f in largest:
        peak = _peak_day(messages, np.flatnonzero(final == f), config.window_days)
        fired = sorted(w.day for w, m in zip(result.warnings, mapped, strict=True) if m == f)
        rows.append({"final_issue": f, "people": len(people[f]), "peak_week_end": peak.isoformat(),
                     "first_warning": fired[0].isoformat() if fired else None,
                     "lead_days": (peak - fired[0]).days if fired else None})
    leads = [r["lead_days"] for r in rows if r["lead_days"] is not None]
    months = max(1.0, ((result.last_day - result.first_day).days + 1) / 30.44)
    by_month = Counter(w.day.strftime("%Y-%m") for w in false_alarms)
    active = Counter(m.time.strftime("%Y-%m") for m in messages)
    busy = [month for month, count in active.items() if count >= 0.01 * len(messages)]
    return {
        "days": (result.last_day - result.first_day).days + 1,
        "months": round(months, 1),
        "warnings": len(result.warnings),
        "false_alarms": len(false_alarms),
        "false_alarms_per_month": round(len(false_alarms) / months, 2),
        "busy_months": len(busy),
        "false_alarms_per_busy_month": round(sum(by_month[m] for m in busy) / max(1, len(busy)), 2),
        "false_alarms_by_month": dict(sorted(by_month.items())),
        "precision": round(1 - len(false_alarms) / len(result.warnings), 3) if result.warnings else None,
        "largest_issues": rows,
        "largest_warned": sum(r["first_warning"] is not None for r in rows),
        "largest_warned_before_peak": sum(1 for x in leads if x >= 0),
        "median_lead_days": median(leads) if leads else None,
    }


def _peak_day(messages: Sequence[Message], positions: Sequence[int], window_days: int) -> date:
    """Last day of the window of ``window_days`` that held the most distinct people (earliest such)."""
    days = sorted({messages[p].time.date() for p in positions})
    best, best_day = -1, days[0]
    for day in days:
        start = day - timedelta(days=window_days - 1)
        count = len({messages[p].user for p in positions if start <= messages[p].time.date() <= day})
        if count > best:
            best, best_day = count, day
    return best_day
