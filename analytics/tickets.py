"""Work orders as the analysis reads them: a message per order, and the report from the live database."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta

from sqlalchemy import select
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
