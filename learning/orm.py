"""Persistent records of learning: candidate labels from corrections, and retraining jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow
from routing.orm import BotTurn, Ticket


class LabelCandidate(Base):
    """A correction that may become training data: an override, a 退单, or a trainer's fix."""

    __tablename__ = "label_candidates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey(Ticket.id, ondelete="SET NULL"), index=True)
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
    #: Which model it trains: "classifier" (first-level category) or "departments" (the dispatch model).
    model: Mapped[str] = mapped_column(String(16), default="classifier", server_default="classifier", index=True)
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
    #: True while the job is queued or running, NULL once it has ended. The unique index lets the
    #: database itself refuse a second active job, whichever worker or process asks (NULLs never collide).
    active: Mapped[bool | None] = mapped_column(Boolean, default=True, unique=True)
    #: Who runs it ("host:pid") and when it last showed signs of life: a job whose worker died is
    #: recognised as stale and ended as failed (at start-up, or when the next job is asked for).
    worker: Mapped[str | None] = mapped_column(String(128))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)


class BotReview(Base):
    """A trainer's decision on a bot turn: the right intent and entities, out of scope, or rejected.

    Labelled and out-of-scope turns are written to the bot's NLU data (``reviewed_file``) as examples."""

    __tablename__ = "bot_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey(BotTurn.id, ondelete="CASCADE"), unique=True)
    action: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64))
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text)
    reviewed_by: Mapped[str] = mapped_column(String(64))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
