"""/api/handoffs: conversations the bot hands to a human (转人工), with their transcript."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth import Role
from core.deps import SessionDep, require
from core.errors import Conflict, NotFound
from core.schemas import IdPath, InputModel, Timestamp
from routing.api.deps import ContextDep
from routing.orm import Handoff
from zhtext.privacy import mask_personal_data

router = APIRouter(prefix="/api/handoffs", tags=["handoffs"])

WAITING = "待接入"
TAKEN = "已接入"
CLOSED = "已结束"
#: A handoff in these states pauses the bot for its conversation.
OPEN = (WAITING, TAKEN)
Bot = require(Role.BOT)
Operator = require(Role.OPERATOR)
BotOrOperator = require(Role.BOT, Role.OPERATOR)


class Turn(InputModel):
    speaker: str = Field(pattern="^(user|bot)$")
    text: str = Field(max_length=4000)


def _masked_transcript(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A transcript with personal numbers masked in every turn (stored so, and answered so)."""
    return [{**turn, "text": mask_personal_data(str(turn.get("text", "")))} for turn in turns]


class HandoffIn(InputModel):
    sender_id: str = Field(min_length=1, max_length=128)
    channel: str = Field(default="网页", max_length=16)
    reason: str = Field(pattern="^(requested|fallback)$", description="requested: 市民要求；fallback: 连续两次未听懂")
    transcript: list[Turn] = Field(default_factory=list, max_length=200)


class HandoffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    sender_id: str
    channel: str
    reason: str
    transcript: Annotated[list[dict[str, Any]], AfterValidator(_masked_transcript)]
    status: str
    taken_by: str | None
    created_at: Timestamp
    taken_at: Timestamp | None
    closed_by: str | None = None
    closed_at: Timestamp | None = None


@router.post("", status_code=status.HTTP_201_CREATED, response_model=HandoffOut)
def create_handoff(body: HandoffIn, session: SessionDep, ctx: ContextDep, user: Bot) -> Handoff:
    """One open handoff per conversation: asking again (waiting or taken) adds to the open one."""
    waiting = session.scalar(select(Handoff).where(Handoff.sender_id == body.sender_id,
                                                   Handoff.status.in_(OPEN)))
    turns = _masked_transcript([t.model_dump() for t in body.transcript])
    if waiting is not None:
        waiting.transcript = turns or waiting.transcript
        session.commit()
        return waiting
    handoff = Handoff(sender_id=body.sender_id, channel=body.channel, reason=body.reason, transcript=turns,
                      status=WAITING, created_at=ctx.clock())
    session.add(handoff)
    session.commit()
    return handoff


@router.get("", response_model=list[HandoffOut])
def list_handoffs(session: SessionDep, user: Operator,
                  status_: str | None = Query(None, alias="status")) -> list[Handoff]:
    query = select(Handoff).order_by(Handoff.created_at)
    if status_:
        query = query.where(Handoff.status == status_)
    return list(session.scalars(query))


def _handoff(session: Session, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound(f"没有编号为 {handoff_id} 的转人工记录", f"no handoff {handoff_id}")
    return handoff


@router.get("/{handoff_id}", response_model=HandoffOut)
def get_handoff(handoff_id: IdPath, session: SessionDep, user: BotOrOperator) -> Handoff:
    """One handoff; the bot asks while it is open (待接入, 已接入) and stays quiet until it is 已结束."""
    return _handoff(session, handoff_id)


@router.post("/{handoff_id}/close", response_model=HandoffOut)
def close_handoff(handoff_id: IdPath, session: SessionDep, ctx: ContextDep, user: Operator) -> Handoff:
    """The operator is done with the citizen: the bot answers the conversation again."""
    handoff = _handoff(session, handoff_id)
    if handoff.status == CLOSED:
        raise Conflict(f"该会话已由 {handoff.closed_by} 结束", f"already closed by {handoff.closed_by}")
    handoff.status, handoff.closed_by, handoff.closed_at = CLOSED, user.name, ctx.clock()
    session.commit()
    return handoff


@router.post("/{handoff_id}/take", response_model=HandoffOut)
def take_handoff(handoff_id: IdPath, session: SessionDep, ctx: ContextDep, user: Operator) -> Handoff:
    handoff = _handoff(session, handoff_id)
    if handoff.status != WAITING:
        raise Conflict(f"该会话已由 {handoff.taken_by} 接入", f"already taken by {handoff.taken_by}")
    handoff.status, handoff.taken_by, handoff.taken_at = TAKEN, user.name, ctx.clock()
    session.commit()
    return handoff
