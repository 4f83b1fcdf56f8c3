"""/api/feedback: the trainers' review queue, decisions, own corrections and export."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from core.auth import Role
from core.deps import SessionDep, require
from core.schemas import IdPath, InputModel, Timestamp
from learning import feedback as store
from learning.api.deps import LearningDep
from learning.context import LearningContext
from routing.schemas import Masked

router = APIRouter(prefix="/api/feedback", tags=["feedback"])
Trainer = require(Role.TRAINER)


class CandidateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    ticket_id: int | None
    text: Masked
    field: str
    old_value: str | None
    new_value: str
    source: str
    actor: str
    model_category: str | None
    model_confidence: float | None
    status: str
    reviewed_by: str | None
    created_at: Timestamp


class ReviewItemOut(BaseModel):
    candidate: CandidateOut
    category: str | None = Field(description="the first-level label this example would teach")
    model_category: str | None
    priority: float


class DecisionIn(InputModel):
    label: str | None = Field(default=None, max_length=64)


class CorrectionIn(InputModel):
    text: str = Field(min_length=1, max_length=20000)
    label: str = Field(max_length=64)


def _labels(ctx: LearningContext) -> set[str]:
    return ctx.table.categories


@router.get("/queue", response_model=list[ReviewItemOut])
def queue(session: SessionDep, ctx: LearningDep, user: Trainer, limit: int = Query(default=50, ge=1, le=500)):
    return [ReviewItemOut(candidate=CandidateOut.model_validate(i.candidate), category=i.category,
                          model_category=i.model_category, priority=i.priority)
            for i in store.review_queue(session, ctx.table, limit)]


@router.post("/{candidate_id}/approve", response_model=CandidateOut)
def approve(candidate_id: IdPath, session: SessionDep, ctx: LearningDep, user: Trainer, body: DecisionIn | None = None):
    label = body.label if body else None
    return store.review(session, candidate_id, True, user, label, _labels(ctx))


@router.post("/{candidate_id}/reject", response_model=CandidateOut)
def reject(candidate_id: IdPath, session: SessionDep, user: Trainer):
    return store.review(session, candidate_id, False, user)


@router.post("/{candidate_id}/withdraw", response_model=CandidateOut)
def withdraw(candidate_id: IdPath, session: SessionDep, user: Trainer):
    """Take back an approval (or a rejection): the candidate is pending again and leaves the training data."""
    return store.withdraw(session, candidate_id, user)


@router.post("", response_model=CandidateOut, status_code=201)
def correct(body: CorrectionIn, session: SessionDep, ctx: LearningDep, user: Trainer):
    return store.add_correction(session, body.text, body.label, user, _labels(ctx))


@router.get("/export.csv")
def export(session: SessionDep, ctx: LearningDep, user: Trainer) -> Response:
    body = store.export_csv(store.approved_examples(session, ctx.table))
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=feedback_train.csv"})
