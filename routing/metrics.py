"""Hotline metrics: 响应率, 办结率, 按时办结率, 满意率, 退单率 and how often the first suggestion was kept.

Definitions (over orders received in the period that were dispatched at least once):
- 响应率 response_rate: accepted by the department within the response deadline;
- 办结率 completion_rate: closed;
- 按时办结率 on_time_rate: closed within the completion deadline, among closed;
- 满意率 satisfaction_rate: 满意 or 基本满意, among rated;
- 退单率 return_rate: returned at least once;
- suggestion_accuracy: the first dispatch went to the first suggested department, among
  orders that had a suggestion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from routing.lifecycle import Action, Status
from routing.orm import Ticket


@dataclass
class Counts:
    received: int = 0
    dispatched: int = 0
    responded_on_time: int = 0
    closed: int = 0
    closed_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    returned: int = 0
    with_suggestion: int = 0
    suggestion_kept: int = 0
    by: dict = field(default_factory=dict)

    def add(self, ticket: Ticket) -> None:
        self.received += 1
        dispatches = [e for e in ticket.events if e.action == Action.DISPATCH]
        if not dispatches:
            return
        self.dispatched += 1
        if ticket.responded_at is not None and ticket.responded_at <= ticket.response_due:
            self.responded_on_time += 1
        if ticket.status == Status.CLOSED:
            self.closed += 1
            if ticket.closed_at is not None and ticket.closed_at <= ticket.completion_due:
                self.closed_on_time += 1
        if ticket.rating:
            self.rated += 1
            self.satisfied += ticket.rating in ("满意", "基本满意")
        self.returned += ticket.return_count > 0
        if ticket.suggested_department:
            self.with_suggestion += 1
            self.suggestion_kept += dispatches[0].department == ticket.suggested_department

    def rates(self) -> dict[str, float | int | None]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "received": self.received,
            "dispatched": self.dispatched,
            "响应率": ratio(self.responded_on_time, self.dispatched),
            "办结率": ratio(self.closed, self.dispatched),
            "按时办结率": ratio(self.closed_on_time, self.closed),
            "满意率": ratio(self.satisfied, self.rated),
            "退单率": ratio(self.returned, self.dispatched),
            "suggestion_accuracy": ratio(self.suggestion_kept, self.with_suggestion),
        }


def compute_metrics(session: Session, start: datetime | None = None, end: datetime | None = None,
                    department: str | None = None) -> dict:
    """Overall and per-department figures for orders received in [start, end)."""
    query = select(Ticket).options(selectinload(Ticket.events))
    if start:
        query = query.where(Ticket.received_at >= start)
    if end:
        query = query.where(Ticket.received_at < end)
    overall = Counts()
    per_department: dict[str, Counts] = defaultdict(Counts)
    for ticket in session.scalars(query):
        owner = ticket.department or _last_department(ticket)
        if department and owner != department:
            continue
        overall.add(ticket)
        per_department[owner or "未派单"].add(ticket)
    return {
        "period": {"start": start, "end": end},
        "overall": overall.rates(),
        "by_department": {code: counts.rates() for code, counts in sorted(per_department.items())},
    }


def _last_department(ticket: Ticket) -> str | None:
    return next((e.department for e in reversed(ticket.events) if e.department), None)
