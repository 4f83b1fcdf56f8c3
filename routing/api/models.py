"""/api/models: retraining jobs, model versions, rollback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from classifier.errors import NoModelError
from routing import retrain
from routing.api.deps import get_context, get_session, require
from routing.auth import Role, User
from routing.context import RouterContext
from routing.errors import Conflict, NotFound
from routing.orm import RetrainJob

router = APIRouter(prefix="/api/models", tags=["models"])
TRAINER = require(Role.TRAINER)


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    status: str
    progress: str
    percent: int
    requested_by: str
    n_feedback: int
    candidate_version: str | None
    baseline_version: str | None
    decision: str | None
    message: str | None
    report: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None


@router.get("")
def versions(ctx: RouterContext = Depends(get_context), user: User = Depends(TRAINER)) -> dict:
    registry = ctx.models.registry
    return {
        "current": registry.current_version(),
        "versions": [registry.metadata(v) for v in registry.versions()],
        "history": registry.history(),
    }


@router.post("/retrain", response_model=JobOut, status_code=status.HTTP_202_ACCEPTED)
def start_retrain(ctx: RouterContext = Depends(get_context), session: Session = Depends(get_session),
                  user: User = Depends(TRAINER)):
    job = retrain.start_job(ctx, user.name)
    return session.get(RetrainJob, job.id)


@router.get("/jobs", response_model=list[JobOut])
def jobs(session: Session = Depends(get_session), user: User = Depends(TRAINER)):
    return list(session.scalars(select(RetrainJob).order_by(RetrainJob.id.desc()).limit(50)))


@router.get("/jobs/{job_id}", response_model=JobOut)
def job(job_id: int, session: Session = Depends(get_session), user: User = Depends(TRAINER)):
    found = session.get(RetrainJob, job_id)
    if found is None:
        raise NotFound(f"训练任务 {job_id} 不存在", f"retrain job {job_id} not found")
    return found


@router.post("/rollback")
def rollback(ctx: RouterContext = Depends(get_context), user: User = Depends(TRAINER)) -> dict:
    try:
        version = ctx.models.registry.rollback()
    except NoModelError as error:
        raise Conflict(error.zh, error.en) from error
    ctx.models.reload()
    return {"current": version}
