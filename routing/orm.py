"""Persistent records: work orders, their transition log, and candidate labels for retraining."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Naive UTC: SQLite and PostgreSQL then store and compare times the same way."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_no: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(100))
    place: Mapped[str | None] = mapped_column(String(200))
    ticket_type: Mapped[str] = mapped_column(String(8))
    type_confidence: Mapped[float | None] = mapped_column(Float)
    type_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    urgency: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(8), index=True)
    category: Mapped[str | None] = mapped_column(String(32))
    category_confidence: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(64))
    suggestions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    suggested_department: Mapped[str | None] = mapped_column(String(32))
    department: Mapped[str | None] = mapped_column(String(32), index=True)
    auto_dispatched: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback_code: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    response_due: Mapped[datetime] = mapped_column(DateTime)
    completion_due: Mapped[datetime] = mapped_column(DateTime)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reply: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str | None] = mapped_column(String(8))
    rating_comment: Mapped[str | None] = mapped_column(Text)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)

    events: Mapped[list["TicketEvent"]] = relationship(back_populates="ticket", order_by="TicketEvent.id")


class TicketEvent(Base):
    """One transition: who did what, when and why."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(8))
    to_status: Mapped[str] = mapped_column(String(8))
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class LabelCandidate(Base):
    """A correction that may become training data: an override, a 退单, or a trainer's fix."""

    __tablename__ = "label_candidates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[str | None] = mapped_column(String(64))
    new_value: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    model_category: Mapped[str | None] = mapped_column(String(32))
    model_confidence: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RetrainJob(Base):
    """One retraining run: progress while it runs, the comparison and the decision after."""

    __tablename__ = "retrain_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    progress: Mapped[str] = mapped_column(String(200), default="排队中 queued")
    percent: Mapped[int] = mapped_column(Integer, default=0)
    requested_by: Mapped[str] = mapped_column(String(64))
    n_feedback: Mapped[int] = mapped_column(Integer, default=0)
    candidate_version: Mapped[str | None] = mapped_column(String(64))
    baseline_version: Mapped[str | None] = mapped_column(String(64))
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decision: Mapped[str | None] = mapped_column(String(16))
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class Handoff(Base):
    """A citizen conversation the bot hands to a human, with the transcript the operator reads."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32))
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(8), default="待接入", index=True)
    taken_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
