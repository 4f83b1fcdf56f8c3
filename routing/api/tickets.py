"""/api/tickets: intake, queues, and the actions of operators, departments and citizens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import select

from core import timing
from core.auth import Role, User
from core.deps import SessionDep, require
from core.schemas import IdPath
from routing import tickets as ops
from routing.api.bot import optional_user
from routing.api.deps import ContextDep
from routing.context import RouterContext
from routing.lifecycle import Status
from routing.orm import Ticket
from routing.schemas import (
    DispatchIn,
    EventOut,
    LookupIn,
    LookupOut,
    RatingIn,
    ReasonIn,
    ReplyIn,
    ReplyReviewIn,
    ReturnIn,
    SubcategoryOut,
    TicketCreated,
    TicketIn,
    TicketOut,
    TriageIn,
)

router = APIRouter(prefix="/api/tickets", tags=["tickets"])
citizen_router = APIRouter(prefix="/api/citizen", tags=["citizen"])
STAFF = (Role.OPERATOR, Role.DEPARTMENT, Role.TRAINER)
Operator = require(Role.OPERATOR)
Department = require(Role.DEPARTMENT)
Staff = require(*STAFF)
OperatorOrBot = require(Role.OPERATOR, Role.BOT)


def render(ticket: Ticket, ctx: RouterContext, user: User | None = None,
           model: type[TicketOut] = TicketOut) -> TicketOut:
    """The ticket as the caller may see it (the contact only for operators and its own department),
    with its level 2–3 candidates."""
    out = model.model_validate(ticket)
    out.overdue = ops.is_overdue(ticket, ctx.clock())
    out.subcategories = [SubcategoryOut.model_validate(c) for c in ops.subcategories(ctx, ticket)]
    sees_contact = user is not None and (
        user.role in (Role.OPERATOR, Role.ADMIN)
        or (user.role == Role.DEPARTMENT and user.department == ticket.department)
    )
    out.contact = ticket.contact if sees_contact else None
    if ticket.ticket_type == "咨询" and ctx.guide is not None:  # a question the guide may settle on the call
        out.guide = ctx.guide_answer(ticket.text)
    return out


def as_json(out: BaseModel, status_code: int = status.HTTP_200_OK) -> Response:
    """``out`` sent as it is: returned as a model, FastAPI would dump it and validate it again (masking the
    text once more) before serialising; the two busiest endpoints answer this way (``response_model`` still
    documents them)."""
    return Response(out.model_dump_json(), status_code=status_code, media_type="application/json")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TicketCreated)
def create_ticket(data: TicketIn, session: SessionDep, ctx: ContextDep, user: OperatorOrBot):
    with timing.handler():
        ticket, created = ops.intake(session, ctx, data, user)
        session.close()  # the connection goes back to the pool from this thread, not when the event loop gets to it
        with timing.stage("response"):
            return as_json(render(ticket, ctx, user, TicketCreated),
                           status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@router.get("", response_model=list[TicketOut])
def list_tickets(
    session: SessionDep, ctx: ContextDep, user: Staff,
    status_: Status | None = Query(default=None, alias="status"),
    department: str | None = None,
    overdue: bool | None = None,
    returned: bool | None = None,
    held: bool | None = Query(default=None, description="replies held for an operator's review"),
    q: str | None = Query(default=None, max_length=100),
    limit: int = Query(default=50, ge=1, le=500),
):
    query = select(Ticket).order_by(Ticket.id.desc())
    if user.role == Role.DEPARTMENT:
        query = query.where(Ticket.department == user.department)
    elif department:
        query = query.where(Ticket.department == department)
    if status_:
        query = query.where(Ticket.status == status_)
    if returned:
        query = query.where(Ticket.return_count > 0, Ticket.status == Status.RECEIVED)
    if held is not None:
        query = query.where(Ticket.reply_held == held)
    if q:
        query = query.where(Ticket.text.contains(q, autoescape=True))
    if overdue is not None:
        late = ops.overdue_condition(ctx.clock())
        query = query.where(late if overdue else ~late)
    return [render(t, ctx, user) for t in session.scalars(query.limit(limit))]


@router.get("/{ticket_id}", response_model=TicketOut)
def read_ticket(ticket_id: IdPath, session: SessionDep, ctx: ContextDep, user: Staff):
    """Operators and admins read any order, trainers the text (no contact), a department only its own."""
    with timing.handler():
        ticket = ops.get_ticket(session, ticket_id, user)
        session.close()  # the order is loaded; the connection goes back to the pool from this thread
        with timing.stage("response"):
            return as_json(render(ticket, ctx, user))


@router.get("/{ticket_id}/events", response_model=list[EventOut])
def ticket_events(ticket_id: IdPath, session: SessionDep, user: Staff):
    return ops.get_ticket(session, ticket_id, user).events


@router.post("/{ticket_id}/dispatch", response_model=TicketOut)
def dispatch_ticket(ticket_id: IdPath, body: DispatchIn, session: SessionDep, ctx: ContextDep, user: Operator):
    ticket = ops.get_ticket(session, ticket_id)
    return render(ops.dispatch(session, ctx, ticket, body.department, user, body.category, body.reason), ctx, user)


@router.post("/{ticket_id}/reassign", response_model=TicketOut)
def reassign_ticket(ticket_id: IdPath, body: DispatchIn, session: SessionDep, ctx: ContextDep, user: Operator):
    ticket = ops.get_ticket(session, ticket_id)
    return render(ops.reassign(session, ctx, ticket, body.department, user, body.reason or "改派"), ctx, user)


@router.post("/{ticket_id}/triage", response_model=TicketOut)
def triage_ticket(ticket_id: IdPath, body: TriageIn, session: SessionDep, ctx: ContextDep, user: Operator):
    """Operator confirms or corrects the work-order type and marks urgency."""
    ticket = ops.get_ticket(session, ticket_id)
    return render(ops.triage(session, ctx, ticket, body.urgency, body.ticket_type, user), ctx, user)


@router.post("/{ticket_id}/accept", response_model=TicketOut)
def accept_ticket(ticket_id: IdPath, session: SessionDep, ctx: ContextDep, user: Department):
    return render(ops.accept(session, ctx, ops.get_ticket(session, ticket_id, user), user), ctx, user)


@router.post("/{ticket_id}/return", response_model=TicketOut)
def return_ticket(ticket_id: IdPath, body: ReturnIn, session: SessionDep, ctx: ContextDep, user: Department):
    ticket = ops.get_ticket(session, ticket_id, user)
    return render(ops.return_ticket(session, ctx, ticket, user, body.reason, body.suggested_department), ctx, user)


@router.post("/{ticket_id}/reply", response_model=TicketOut)
def reply_ticket(ticket_id: IdPath, body: ReplyIn, session: SessionDep, ctx: ContextDep, user: Department):
    return render(ops.reply(session, ctx, ops.get_ticket(session, ticket_id, user), user, body.reply), ctx, user)


@router.post("/{ticket_id}/reply-review", response_model=TicketOut)
def review_reply(ticket_id: IdPath, body: ReplyReviewIn, session: SessionDep, ctx: ContextDep, user: Operator):
    """A reply held as poor: the operator releases it to the citizen or sends it back to the department."""
    ticket = ops.get_ticket(session, ticket_id)
    return render(ops.review_reply(session, ctx, ticket, user, body.decision == "release", body.reason), ctx, user)


@router.post("/{ticket_id}/close", response_model=TicketOut)
def close_ticket(ticket_id: IdPath, body: ReasonIn, session: SessionDep, ctx: ContextDep, user: Operator):
    return render(ops.close(session, ctx, ops.get_ticket(session, ticket_id), user, body.reason), ctx, user)


@router.post("/{ticket_id}/rating", response_model=TicketOut)
def rate_ticket(ticket_id: IdPath, body: RatingIn, request: Request, session: SessionDep, ctx: ContextDep):
    """Citizens rate with the 查询码 they got at intake; no login, so attempts are throttled."""
    ctx.citizen_throttle.check(_client_key(request), f"ticket:{ticket_id}")
    ticket = ops.get_ticket(session, ticket_id)
    return render(ops.rate(session, ctx, ticket, body.feedback_code, body.rating, body.comment), ctx)


def _client_key(request: Request) -> str:
    return f"ip:{request.client.host if request.client else 'unknown'}"


@citizen_router.post("/lookup", response_model=LookupOut)
def lookup(body: LookupIn, request: Request, session: SessionDep, ctx: ContextDep,
           user: Annotated[User | None, Depends(optional_user)]) -> LookupOut:
    """A citizen's order by its 查询码 (no login): status, unit, deadlines and the reply, nothing they wrote.

    Attempts are throttled per address; the bot relays every citizen's lookups from its one address, so
    its lookups are throttled per conversation instead."""
    relayed = user is not None and user.role == Role.BOT and body.conversation_id
    asker = f"conversation:{body.conversation_id}" if relayed else _client_key(request)
    keys = [asker] + ([f"ticket:{body.ticket_no}"] if body.ticket_no is not None else [])
    ctx.citizen_throttle.check(*keys)
    ticket = ops.lookup(session, body.code, body.ticket_no)
    shown = ticket.status in (Status.REPLIED, Status.CLOSED) and not ticket.reply_held
    return LookupOut(ticket_no=ticket.id, status=ticket.status, status_label=ops.STATUS_LABELS[Status(ticket.status)],
                     department=_department_name(ctx, ticket.department), received_at=ticket.received_at,
                     completion_due=ticket.completion_due, overdue=ops.is_overdue(ticket, ctx.clock()),
                     reply=ticket.reply if shown else None, rated=ticket.rating is not None)


def _department_name(ctx: RouterContext, code: str | None) -> str | None:
    if code is None:
        return None
    names = {d["code"]: d["name"] for d in ctx.dispatcher.departments()}
    return names.get(code, code)
