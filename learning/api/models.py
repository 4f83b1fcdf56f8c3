"""/api/models: retraining jobs, model versions, rollback — of the category model (``?model=classifier``,
the default), the dispatch model (``?model=departments``) or the citizen bot (``?model=bot``)."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from classifier.evaluation import EvaluationReport, plot_confusion_matrix
from core.auth import Role
from core.deps import SessionDep, require
from core.errors import Conflict, NoModelError, NotFound
from core.schemas import IdPath, InputModel, Timestamp
from learning import bot_retrain, retrain
from learning.api.deps import LearningDep
from learning.orm import RetrainJob

router = APIRouter(prefix="/api/models", tags=["models"])
Trainer = require(Role.TRAINER)


class ModelName(StrEnum):
    CLASSIFIER = "classifier"
    DEPARTMENTS = "departments"
    BOT = "bot"


ModelParam = Annotated[ModelName, Query(alias="model", description="classifier (default), departments or bot")]


def _bot(ctx) -> bot_retrain.BotProject:
    return bot_retrain.BotProject(ctx.bot, ctx.bot_server)


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, protected_namespaces=())
    id: int
    model: str
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
    created_at: Timestamp
    finished_at: Timestamp | None


def _holder(ctx, model: ModelName):
    try:
        return ctx.holder(model.value)
    except ValueError as error:
        raise NotFound("未配置派单模型", str(error)) from error


@router.get("")
def versions(ctx: LearningDep, user: Trainer, model: ModelParam = ModelName.CLASSIFIER) -> dict:
    if model == ModelName.BOT:
        return bot_retrain.current_info(_bot(ctx))
    registry = _holder(ctx, model).registry
    return {
        "current": registry.current_version(),
        "versions": [registry.metadata(v) for v in registry.versions()],
        "history": registry.history(),
    }


@router.post("/retrain", response_model=JobOut, status_code=status.HTTP_202_ACCEPTED)
def start_retrain(ctx: LearningDep, session: SessionDep, user: Trainer, model: ModelParam = ModelName.CLASSIFIER):
    job = retrain.start_job(ctx, user.name, model.value)
    return session.get(RetrainJob, job.id)


@router.get("/jobs", response_model=list[JobOut])
def jobs(session: SessionDep, user: Trainer):
    return list(session.scalars(select(RetrainJob).order_by(RetrainJob.id.desc()).limit(50)))


@router.get("/jobs/{job_id}", response_model=JobOut)
def job(job_id: IdPath, session: SessionDep, user: Trainer):
    found = session.get(RetrainJob, job_id)
    if found is None:
        raise NotFound(f"训练任务 {job_id} 不存在", f"retrain job {job_id} not found")
    return found


class Which(StrEnum):
    CANDIDATE = "candidate"
    BASELINE = "baseline"


@router.get("/jobs/{job_id}/confusion.png", response_class=Response,
            responses={200: {"content": {"image/png": {}}}})
def job_confusion_matrix(job_id: IdPath, session: SessionDep, user: Trainer,
                         which: Which = Which.CANDIDATE) -> Response:
    """The candidate's or the baseline's confusion matrix on the frozen test set, as a picture."""
    found = job(job_id, session, user)
    if found.model != ModelName.CLASSIFIER:
        raise NotFound(f"训练任务 {job_id} 训练的不是分类模型，没有混淆矩阵",
                       f"retrain job {job_id} did not train the category model: no confusion matrix")
    evaluation = (found.report or {}).get(which.value)
    if not evaluation:
        raise NotFound(f"训练任务 {job_id} 没有{'候选' if which == Which.CANDIDATE else '基线'}模型的评估结果",
                       f"retrain job {job_id} has no {which.value} evaluation")
    title = "候选模型 candidate" if which == Which.CANDIDATE else "当前模型 baseline"
    with tempfile.TemporaryDirectory() as folder:
        path = plot_confusion_matrix(EvaluationReport(**evaluation), Path(folder) / "cm.png", title=title)
        return Response(path.read_bytes(), media_type="image/png", headers={"Cache-Control": "no-store"})


class PromoteIn(InputModel):
    version: str = Field(min_length=1, max_length=100)


@router.post("/promote")
def promote(body: PromoteIn, ctx: LearningDep, user: Trainer, model: ModelParam = ModelName.CLASSIFIER) -> dict:
    """Make a trained version current, e.g. a candidate refused by the automatic rule that a trainer accepts."""
    if model == ModelName.BOT:
        raise Conflict("市民助手的候选模型只在不差于当前模型时自动替换；可回滚到上一版",
                       "a bot candidate replaces the running model only when not worse; roll back instead")
    holder = _holder(ctx, model)
    try:
        holder.registry.promote(body.version, reason=f"promote by {user.name}")
    except NoModelError as error:
        raise NotFound(error.zh, error.en) from error
    holder.reload()
    return {"current": body.version}


@router.post("/rollback")
def rollback(ctx: LearningDep, user: Trainer, model: ModelParam = ModelName.CLASSIFIER) -> dict:
    if model == ModelName.BOT:
        return {"current": _bot(ctx).rollback()}
    holder = _holder(ctx, model)
    try:
        version = holder.registry.rollback()
    except NoModelError as error:
        raise Conflict(error.zh, error.en) from error
    holder.reload()
    return {"current": version}
