"""Work orders as the analysis reads them: a message per order, the new orders since the last look,
and the report from the live database."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from analytics.dataset import Message
from analytics.hotspots import HotspotConfig
from analytics.report import Labels, ReportData, build_report
from core.schemas import local_days_in_utc, local_naive
from routing.conversations import rating_summary
from routing.metrics import compute_metrics
from routing.orm import Ticket

_FIRST_SENTENCE_RE = re.compile(r"^(.{4,40}?)[。！？!?；;\n]")


def ticket_message(ticket: Ticket) -> Message:
    """The order as a message: its title (or first sentence), text, time, reply; the author a hash of the
    contact, so distinct people can be counted without the number leaving the order."""
    contact = (ticket.contact or "").strip()
    user = hashlib.sha256(contact.encode("utf-8")).hexdigest()[:16] if contact else f"order-{ticket.id}"
    title = ticket.title or _first_sentence(ticket.text)
    replied = local_naive(ticket.replied_at) if ticket.replied_at else None
    return Message(id=str(ticket.id), user=user, title=title, body=ticket.text, time=local_naive(ticket.received_at),
                   reply=ticket.reply if not ticket.reply_held else None, reply_time=replied)


def _first_sentence(text: str) -> str:
    match = _FIRST_SENTENCE_RE.match(text)
    return match.group(1) if match else text[:40]


def orders(session: Session, since: datetime | None = None, until: datetime | None = None) -> list[Ticket]:
    query = select(Ticket).order_by(Ticket.received_at, Ticket.id)
    if since is not None:
        query = query.where(Ticket.received_at >= since)
    if until is not None:
        query = query.where(Ticket.received_at < until)
    return list(session.scalars(query))


class OrderFeed:
    """The orders stored since the last look, each once, read by id from the database.

    Intake runs in several web workers, so orders are read back from the database rather than
    handed over. On PostgreSQL an id is drawn before its transaction commits, so a smaller id can
    appear after a larger one: an id skipped over is looked for again until ``patience`` seconds
    have passed (an intake rolled back leaves such a hole for ever).
    """

    MAX_MISSING = 10_000

    def __init__(self, after: int = 0, patience: float = 60.0) -> None:
        self.after = after
        self.patience = patience
        self._missing: dict[int, float] = {}

    @classmethod
    def from_latest(cls, session: Session, patience: float = 60.0) -> OrderFeed:
        """A feed of the orders stored after the latest one now."""
        return cls(session.scalar(select(func.max(Ticket.id))) or 0, patience)

    def new_orders(self, session: Session) -> list[Ticket]:
        """The orders not read before, oldest first."""
        now = time.monotonic()
        self._missing = {i: since for i, since in self._missing.items() if now - since < self.patience}
        condition = Ticket.id > self.after
        if self._missing:
            condition = or_(condition, Ticket.id.in_(self._missing))
        found = list(session.scalars(select(Ticket).where(condition).order_by(Ticket.id)))
        ids = {t.id for t in found}
        for ticket_id in ids:
            self._missing.pop(ticket_id, None)
        if found and found[-1].id > self.after:
            skipped = range(self.after + 1, found[-1].id)
            if len(skipped) <= self.MAX_MISSING:  # a jump past a sequence's cache is no hole
                self._missing.update({i: now for i in skipped if i not in ids})
            self.after = found[-1].id
        return sorted(found, key=lambda t: (t.received_at, t.id))


def report_from_database(session: Session, start: date, end: date, *, history_days: int, top: int = 10,
                         config: HotspotConfig | None = None, known: dict[str, str] | None = None) -> ReportData:
    """The report for ``start``..``end`` from the work orders: hot issues grouped over the ``history_days``
    before the period and the period itself; volumes, rates and reply quality over the period."""
    begin, finish = local_days_in_utc(start, end)
    history = orders(session, begin - timedelta(days=history_days), finish)
    period = [t for t in history if t.received_at >= begin]
    messages = [ticket_message(t) for t in history]
    labels = Labels(category={str(t.id): t.category or "未分类" for t in period},
                    department={str(t.id): t.department or "未派单" for t in period},
                    channel={str(t.id): t.channel for t in period})
    service = compute_metrics(session, begin, finish)
    return build_report(messages, start, end, replies=[m for m in messages if m.reply], labels=labels,
                        service=service, bot_rating=rating_summary(session, begin, finish),
                        sources={"工单": "数据库 live database"}, top=top,
                        config=config, known=known)
