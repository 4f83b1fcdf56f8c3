"""/api/metrics: hotline figures by department and period."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from routing.api.deps import get_session, require
from routing.auth import Role, User
from routing.errors import BadRequest
from routing.metrics import compute_metrics

router = APIRouter(prefix="/api/metrics", tags=["metrics"])


@router.get("")
def metrics(start: datetime | None = None, end: datetime | None = None, department: str | None = None,
            session: Session = Depends(get_session),
            user: User = Depends(require(Role.OPERATOR, Role.TRAINER, Role.DEPARTMENT))):
    if start and end and start >= end:
        raise BadRequest("开始时间必须早于结束时间", "start must be before end")
    if user.role == Role.DEPARTMENT:
        department = user.department
    start = start.replace(tzinfo=None) if start else None
    end = end.replace(tzinfo=None) if end else None
    return compute_metrics(session, start, end, department)
