"""/api/metrics: hotline figures by department and period, and the 好差评 of the bot's answers."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter

from core.auth import Role
from core.deps import SessionDep, require
from core.errors import BadRequest
from core.schemas import local_midnight_in_utc
from routing.conversations import rating_summary
from routing.metrics import compute_metrics

router = APIRouter(prefix="/api/metrics", tags=["metrics"])
Reader = require(Role.OPERATOR, Role.TRAINER, Role.DEPARTMENT)


@router.get("")
def metrics(session: SessionDep, user: Reader, start: date | None = None, end: date | None = None,
            department: str | None = None):
    """Orders received on the days ``start``..``end`` (both included), days in China as in the report."""
    if start and end and start > end:
        raise BadRequest("结束日期早于开始日期", "the end date is before the start date")
    if user.role == Role.DEPARTMENT:
        department = user.department
    begin = local_midnight_in_utc(start) if start else None
    finish = local_midnight_in_utc(end + timedelta(days=1)) if end else None
    figures = compute_metrics(session, begin, finish, department)
    # 好差评 of the bot's answers (the whole bot: it serves no single department)
    return {**figures, "bot_ratings": rating_summary(session, begin, finish)}
