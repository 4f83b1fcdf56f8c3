"""/api/bot/review: the trainer's 对话 review of the bot's doubtful turns (retraining: /api/models?model=bot)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from core.auth import Role
from core.deps import SessionDep, require
from core.schemas import IdPath, InputModel, Timestamp
from learning import bot_review
from learning.api.deps import LearningDep
from learning.context import LearningContext

router = APIRouter(prefix="/api/bot/review", tags=["bot review"])
Trainer = require(Role.TRAINER)


class TurnOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    conversation_id: str
    channel: str
    text: str
    intent: str | None
    confidence: float | None
    entities: list[dict[str, Any]]
    item_code: str | None
    kind: str
    bot_reply: str | None
    rating: str | None
    rating_comment: str | None
    created_at: Timestamp


class CandidateOut(BaseModel):
    turn: TurnOut
    reason: str = Field(description="unsatisfied (rated 不满意), fallback or low_confidence")
    context: list[TurnOut] = Field(description="the conversation's turns up to this one, oldest first")


class QueueOut(BaseModel):
    items: list[CandidateOut]
    intents: list[str] = Field(description="intents a trainer may assign")
    entities: list[str]


class EntityIn(InputModel):
    entity: str = Field(min_length=1, max_length=64)
    start: int = Field(ge=0)
    end: int = Field(ge=1)
    value: str | None = Field(default=None, max_length=200)


class DecisionIn(InputModel):
    action: Literal["label", "out_of_scope", "reject"]
    intent: str | None = Field(default=None, max_length=64)
    entities: list[EntityIn] = Field(default_factory=list, max_length=20)


class DecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    turn_id: int
    action: str
    intent: str | None
    entities: list[dict[str, Any]]
    text: str
    reviewed_by: str
    reviewed_at: Timestamp


def _vocabulary(ctx: LearningContext) -> bot_review.BotVocabulary:
    return bot_review.BotVocabulary.from_domain(ctx.bot.path(ctx.bot.domain))


@router.get("", response_model=QueueOut)
def queue(session: SessionDep, ctx: LearningDep, user: Trainer, limit: int = Query(default=50, ge=1, le=500)):
    vocabulary = _vocabulary(ctx)
    items = [CandidateOut(turn=TurnOut.model_validate(c.turn), reason=c.reason,
                          context=[TurnOut.model_validate(t) for t in c.context])
             for c in bot_review.review_queue(session, limit)]
    return QueueOut(items=items, intents=list(vocabulary.intents), entities=list(vocabulary.entities))


@router.post("/{turn_id}", response_model=DecisionOut, status_code=201)
def decide(turn_id: IdPath, body: DecisionIn, session: SessionDep, ctx: LearningDep, user: Trainer):
    return bot_review.decide(session, turn_id, body.action, user, _vocabulary(ctx), ctx.bot.reviewed_file,
                             intent=body.intent, entities=[e.model_dump() for e in body.entities])
