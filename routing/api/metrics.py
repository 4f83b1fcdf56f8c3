"""/api/metrics: hotline figures by department and period, and the 好差评 of the bot's answers."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from core.auth import Role
from core.deps import SessionDep, require
from core.errors import BadRequest
from routing.conversations import rating_summary
from routing.metrics import compute_metrics

router = APIRouter(prefix="/api/metrics", tags=["metrics"])
Reader = require(Role.OPERATOR, Role.TRAINER, Role.DEPARTMENT)


@router.get("")
def metrics(session: SessionDep, user: Reader, start: datetime | None = None, end: datetime | None = None,
            department: str | None = None):
    if start and end and start >= end:
        raise BadRequest("开始时间必须早于结束时间", "start must be before end")
    if user.role == Role.DEPARTMENT:
        department = user.department
    start = start.replace(tzinfo=None) if start else None
    end = end.replace(tzinfo=None) if end else None
    figures = compute_metrics(session, start, end, department)
    # 好差评 of the bot's answers (the whole bot: it serves no single department)
    return {**figures, "bot_ratings": rating_summary(session, start, end)}
