"""/api/bot: the bot reports its turns (bot role); citizens rate its answers (public, throttled)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import ConfigDict, Field

from core.auth import Role, User
from core.deps import SessionDep, Unauthorized, bearer, require
from core.schemas import InputModel
from core.throttle import TooManyRequests
from routing import conversations
from routing.api.deps import ContextDep

router = APIRouter(prefix="/api/bot", tags=["bot"])
Bot = require(Role.BOT)


class EntityIn(InputModel):
    model_config = ConfigDict(extra="ignore")  # Rasa's entities carry extractor, confidence, …
    entity: str = Field(min_length=1, max_length=64)
    value: str | int | float | None = None
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)


class TurnIn(InputModel):
    conversation_id: str = Field(min_length=1, max_length=128)
    turn_id: str = Field(min_length=1, max_length=64)
    channel: str = Field(default="web", min_length=1, max_length=16)
    text: str = Field(max_length=20000, description="the citizen's message; stored masked")
    intent: str | None = Field(default=None, max_length=64)
    confidence: float | None = Field(default=None, ge=0, le=1)
    entities: list[EntityIn] = Field(default_factory=list, max_length=50)
    item_code: str | None = Field(default=None, max_length=64)
    kind: Literal["fallback", "low_confidence", "answer"]
    bot_reply: str | None = Field(default=None, max_length=20000)


class RatingIn(InputModel):
    conversation_id: str = Field(min_length=1, max_length=128)
    turn_id: str = Field(min_length=1, max_length=64)
    rating: Literal["satisfied", "unsatisfied"]
    comment: str | None = Field(default=None, max_length=500)


async def optional_user(request: Request,
                        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> User | None:
    """The caller if a token was sent (the bot rating for WeChat users); None for a citizen's browser."""
    if credentials is None:
        return None
    user = request.app.state.users.authenticate(credentials.credentials)
    if user is None:
        raise Unauthorized("令牌无效", "invalid token")
    return user


@router.post("/turns", status_code=status.HTTP_201_CREATED)
def post_turn(body: TurnIn, session: SessionDep, ctx: ContextDep, user: Bot) -> dict:
    """Store one turn masked; the same turn_id again returns the stored turn (the bot may retry)."""
    report = conversations.TurnReport(**{**body.model_dump(), "entities": [e.model_dump() for e in body.entities]})
    turn = conversations.record_turn(session, report, now=ctx.clock())
    return {"id": turn.id}


@router.post("/ratings", status_code=status.HTTP_201_CREATED)
def post_rating(body: RatingIn, request: Request, session: SessionDep, ctx: ContextDep,
                user: Annotated[User | None, Depends(optional_user)]) -> dict:
    """满意/不满意 of one answer, from the web chat (no login) or the bot (WeChat's numbered replies)."""
    trusted = user is not None and user.role in (Role.BOT, Role.ADMIN)
    client = request.client.host if request.client else "unknown"
    if not trusted and not ctx.rating_throttle.hit(f"ip:{client}"):
        raise TooManyRequests("评价太频繁，请稍后再试", "too many ratings from this address; try again later")
    turn = conversations.rate_turn(session, body.conversation_id, body.turn_id, body.rating, body.comment,
                                   now=ctx.clock())
    return {"id": turn.id, "rating": turn.rating}
