"""Work-order operations: intake, dispatch, department handling, citizen rating.

Each operation runs in the caller's session, checks the state machine, records a
TicketEvent (who, when, why) and, for corrections, hands a Correction to the context's
``record_correction`` (the learning stage keeps it as a candidate label for retraining). The
HTTP layer only translates; this module is where the rules live.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from classifier.taxonomy import SubcategoryCandidate
from core import timing
from core.auth import Role, User
from core.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from routing.context import RouterContext
from routing.lifecycle import Action, Status, next_status
from routing.orm import Ticket, TicketEvent
from routing.schemas import Rating, TicketIn, TicketType
from zhtext.clean import clean_text
from zhtext.document import Document
from zhtext.privacy import mask_personal_data

SYSTEM_ACTOR = "系统自动派单"
DEFAULT_TYPE = TicketType.COMPLAINT


@dataclass(frozen=True)
class Correction:
    """A person corrected the model or a department: what was said, what is right, and who said so."""

    ticket_id: int
    text: str
    field: str
    old_value: str | None
    new_value: str
    source: str
    actor: str
    model_category: str | None
    model_confidence: float | None


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    """督办: not closed and past its completion deadline, or not yet responded past its response deadline."""
    if ticket.status == Status.CLOSED:
        return False
    late_response = ticket.responded_at is None and now > ticket.response_due
    return late_response or now > ticket.completion_due


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """``is_overdue`` at ``now`` as SQL, so a queue filters in the database (only ``responded_at`` may be NULL)."""
    return and_(Ticket.status != Status.CLOSED,
                or_(and_(Ticket.responded_at.is_(None), Ticket.response_due < now), Ticket.completion_due < now))


def subcategories(ctx: RouterContext, ticket: Ticket) -> list[SubcategoryCandidate]:
    """Level 2–3 candidates under the order's current category, from the taxonomy's rules.

    Computed when the order is shown, so they follow an operator's correction of the category.
    """
    if not ticket.category:
        return []
    return ctx.subcategory_candidates(ticket.category, _full_text(ticket))


def _full_text(ticket: Ticket) -> str:
    return f"{ticket.title}。{ticket.text}" if ticket.title else ticket.text


def get_ticket(session: Session, ticket_id: int, user: User | None = None) -> Ticket:
    """The order, if ``user`` may see it: a department only the orders assigned to it."""
    with timing.stage("database"):
        ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"工单 {ticket_id} 不存在", f"ticket {ticket_id} not found")
    if user is not None:
        _own_department(ticket, user)
    return ticket


def _bounded(value: str | None, limit: int, name: str) -> str | None:
    """A cleaned value that must still fit its column (normalisation can lengthen text)."""
    if value is not None and len(value) > limit:
        raise Unprocessable(f"{name}过长（上限 {limit} 字）", f"{name} too long (limit {limit} characters)")
    return value


def _record(session: Session, ticket: Ticket, action: Action | str, to: Status, user_name: str, role: str,
            now: datetime, reason: str | None = None, from_status: str | None = None) -> None:
    session.add(TicketEvent(
        ticket=ticket, action=str(action), from_status=from_status, to_status=str(to),
        actor=user_name, role=role, department=ticket.department,
        reason=mask_personal_data(reason) if reason else reason, at=now,
    ))


def _move(session: Session, ticket: Ticket, action: Action, user: User | None, now: datetime,
          reason: str | None = None) -> None:
    before = Status(ticket.status)
    after = next_status(before, action)
    ticket.status = after
    name, role = (user.name, str(user.role)) if user else (SYSTEM_ACTOR, "system")
    _record(session, ticket, action, after, name, role, now, reason, from_status=before)


def _check_department(ctx: RouterContext, code: str) -> None:
    if not ctx.dispatcher.knows(code):
        raise BadRequest(f"未知的部门代码 {code}", f"unknown department code {code}")


def intake(session: Session, ctx: RouterContext, data: TicketIn, user: User) -> tuple[Ticket, bool]:
    """Create a work order, or return the existing one for a known external number.

    Returns (ticket, created). Text, title and place are stored masked; ``contact`` is the
    one protected field kept as given. A known external number is found by the unique constraint
    when the order is stored, not looked up first: a resent order is rare, a round trip per intake is not.
    """
    text = clean_text(data.text)
    if not text:
        raise BadRequest("工单内容为空", "ticket text is empty")
    if len(text) > ctx.settings.max_text_chars:
        raise BadRequest(
            f"工单内容过长（{len(text)} 字，上限 {ctx.settings.max_text_chars} 字）",
            f"ticket text too long ({len(text)} characters, limit {ctx.settings.max_text_chars})",
        )
    title = _bounded(clean_text(data.title or "") or None, 200, "标题 title ")
    now = ctx.clock()
    with timing.stage("segment"):
        # Cut once: the type model and the classifier read the same words (title and text are clean already).
        document = Document(f"{title}。{text}" if title else text)
        _ = document.tokens  # cut here (words, then content tokens), so the stage is timed where it happens
    with timing.stage("classify"):
        ticket_type, type_confidence = _ticket_type(ctx, data, document)
    response_due, completion_due = ctx.sla.deadlines_for(ticket_type, data.urgency, now)
    ticket = Ticket(
        external_no=data.external_no, channel=data.channel, title=title, text=text,
        contact=data.contact, place=_bounded(clean_text(data.place or "") or None, 200, "地点 place "),
        ticket_type=ticket_type, type_confidence=type_confidence, type_confirmed=data.ticket_type is not None,
        urgency=data.urgency, status=Status.RECEIVED,
        feedback_code=secrets.token_hex(8), received_at=now,
        response_due=response_due, completion_due=completion_due, suggestions=[],
    )
    _classify_and_suggest(ctx, ticket, document)
    session.add(ticket)
    _record(session, ticket, "intake", Status.RECEIVED, user.name, str(user.role), now)
    if ticket.suggestions and ctx.dispatcher.should_auto_dispatch(ticket.suggestions[0]):
        ticket.department = ticket.suggested_department
        ticket.auto_dispatched = True
        _move(session, ticket, Action.DISPATCH, None, now,
              reason=f"置信度 {ticket.suggestions[0]['score']:.2f} 达到自动派单阈值")
    try:
        with timing.stage("database"):
            session.commit()
    except IntegrityError:
        session.rollback()
        existing = session.scalar(select(Ticket).where(Ticket.external_no == data.external_no))
        if existing is None:
            raise
        return existing, False
    return ticket, True


def _ticket_type(ctx: RouterContext, data: TicketIn, document: Document) -> tuple[str, float | None]:
    """The caller's type if given (confirmed), else the type model's suggestion, else 投诉."""
    if data.ticket_type is not None:
        return data.ticket_type, None
    loaded = ctx.types.reload()
    if loaded is None:
        return DEFAULT_TYPE, None
    label, probability = loaded.model.suggest(document)
    return label, round(probability, 4)


def _classify_and_suggest(ctx: RouterContext, ticket: Ticket, document: Document) -> None:
    """Category, level 2–3 and departments; ``document`` is the order's title and text, cut once."""
    loaded = ctx.models.reload()
    if loaded is None:
        return
    with timing.stage("classify"):
        categories = loaded.model.analyse([document], top_k=3)[0]
    place_text = f"{ticket.place or ''} {document.text}"
    with timing.stage("dispatch"):
        suggestions = ctx.dispatcher.suggest(place_text, categories)
    ticket.category = categories[0].label
    ticket.category_confidence = round(categories[0].probability, 4)
    ticket.model_version = loaded.version
    ticket.suggestions = [asdict(s) for s in suggestions]
    ticket.suggested_department = suggestions[0].department if suggestions else None


def dispatch(session: Session, ctx: RouterContext, ticket: Ticket, department: str, user: User,
             category: str | None = None, reason: str | None = None) -> Ticket:
    """Operator confirms the suggestion or overrides it; an override becomes a candidate label."""
    _check_department(ctx, department)
    now = ctx.clock()
    overridden = ticket.suggested_department is not None and department != ticket.suggested_department
    ticket.department = department
    _move(session, ticket, Action.DISPATCH, user, now, reason or ("改派 override" if overridden else "确认 confirm"))
    model_category = ticket.category
    if overridden or ticket.suggested_department is None:
        _candidate(session, ctx, ticket, "department", ticket.suggested_department, department, "override", user,
                   model_category)
    if category and category != ticket.category:
        _candidate(session, ctx, ticket, "category", ticket.category, category, "override", user, model_category)
        ticket.category = category
    session.commit()
    return ticket


def reassign(session: Session, ctx: RouterContext, ticket: Ticket, department: str, user: User, reason: str) -> Ticket:
    _check_department(ctx, department)
    previous = ticket.department
    ticket.department = department
    ticket.responded_at = None
    _move(session, ticket, Action.REASSIGN, user, ctx.clock(), reason)
    _candidate(session, ctx, ticket, "department", previous, department, "override", user)
    session.commit()
    return ticket


def triage(session: Session, ctx: RouterContext, ticket: Ticket, urgency: str | None, ticket_type: str | None,
           user: User) -> Ticket:
    """Confirm or correct the type and mark urgency; deadlines are recomputed from the time of receipt."""
    if ticket.status == Status.CLOSED:
        raise BadRequest("已办结的工单不能修改类型或紧急程度", "a closed ticket cannot change type or urgency")
    ticket.urgency = urgency or ticket.urgency
    if ticket_type:
        ticket.ticket_type = ticket_type
        ticket.type_confirmed = True
    urgency = ticket.urgency
    ticket.response_due, ticket.completion_due = ctx.sla.deadlines_for(ticket.ticket_type, urgency, ticket.received_at)
    _record(session, ticket, "triage", Status(ticket.status), user.name, str(user.role), ctx.clock(),
            reason=f"{ticket.ticket_type}/{urgency}", from_status=ticket.status)
    session.commit()
    return ticket


def _own_department(ticket: Ticket, user: User) -> None:
    if user.role == Role.DEPARTMENT and user.department != ticket.department:
        raise Forbidden("该工单不属于本部门", "this ticket is not assigned to your department")


def accept(session: Session, ctx: RouterContext, ticket: Ticket, user: User) -> Ticket:
    _own_department(ticket, user)
    now = ctx.clock()
    _move(session, ticket, Action.ACCEPT, user, now)
    ticket.responded_at = now
    session.commit()
    return ticket


def return_ticket(session: Session, ctx: RouterContext, ticket: Ticket, user: User, reason: str,
                  suggested_department: str | None) -> Ticket:
    """退单: back to the dispatch queue; a named correct department becomes a candidate label."""
    _own_department(ticket, user)
    if suggested_department:
        _check_department(ctx, suggested_department)
    _move(session, ticket, Action.RETURN, user, ctx.clock(), reason)
    if suggested_department:
        _candidate(session, ctx, ticket, "department", ticket.department, suggested_department, "return", user)
    ticket.return_count += 1
    ticket.department = None
    ticket.responded_at = None
    session.commit()
    return ticket


def reply(session: Session, ctx: RouterContext, ticket: Ticket, user: User, text: str) -> Ticket:
    """The department's answer; one the reply check flags as poor is held for an operator (the order
    stays 办理 and the citizen sees nothing yet), any other goes to the citizen (反馈)."""
    _own_department(ticket, user)
    now = ctx.clock()
    answer = clean_text(text)
    if not answer:
        raise BadRequest("答复内容为空", "the reply is empty")
    next_status(Status(ticket.status), Action.REPLY)  # refuse a reply out of turn before judging it
    verdict = ctx.check_reply(ticket, answer, now)
    ticket.reply = answer
    ticket.reply_check = {"poor": verdict.poor, "reasons": verdict.reasons, **verdict.scores}
    if verdict.poor:
        ticket.reply_held = True
        _record(session, ticket, "hold", Status(ticket.status), user.name, str(user.role), now,
                "答复待话务员审核：" + "；".join(verdict.reasons), from_status=ticket.status)
    else:
        ticket.reply_held = False
        _move(session, ticket, Action.REPLY, user, now)
        ticket.replied_at = now
    session.commit()
    return ticket


def review_reply(session: Session, ctx: RouterContext, ticket: Ticket, user: User, release: bool,
                 reason: str | None) -> Ticket:
    """The operator's decision on a held reply: release it to the citizen, or send it back to the department."""
    if not ticket.reply_held:
        raise Conflict("该工单没有待审核的答复", "this ticket has no held reply to review")
    now = ctx.clock()
    ticket.reply_held = False
    if release:
        _move(session, ticket, Action.RELEASE, user, now, reason or "审核放行")
        ticket.replied_at = now
    else:
        if not reason:
            raise BadRequest("退回答复须说明原因", "sending a reply back needs a reason")
        _record(session, ticket, "reply_back", Status(ticket.status), user.name, str(user.role), now,
                f"答复退回重办：{reason}", from_status=ticket.status)
    session.commit()
    return ticket


def close(session: Session, ctx: RouterContext, ticket: Ticket, user: User, reason: str) -> Ticket:
    now = ctx.clock()
    _move(session, ticket, Action.CLOSE, user, now, reason)
    ticket.closed_at = now
    session.commit()
    return ticket


def rate(session: Session, ctx: RouterContext, ticket: Ticket, code: str, rating: Rating,
         comment: str | None) -> Ticket:
    """Citizen feedback with the 查询码 given at intake: satisfied closes, unsatisfied reopens."""
    if not secrets.compare_digest(code.encode("utf-8"), ticket.feedback_code.encode("utf-8")):
        raise Forbidden("查询码不正确", "wrong query code")
    now = ctx.clock()
    action = Action.REOPEN if rating == Rating.UNSATISFIED else Action.CLOSE
    before = Status(ticket.status)
    after = next_status(before, action)
    ticket.status = after
    _record(session, ticket, action, after, "市民", "citizen", now, f"{rating}：{comment or ''}", from_status=before)
    ticket.rating = rating
    ticket.rating_comment = clean_text(comment or "") or None
    if action == Action.REOPEN:
        ticket.reopen_count += 1
        ticket.closed_at = None
    else:
        ticket.closed_at = now
    session.commit()
    return ticket


def _candidate(session: Session, ctx: RouterContext, ticket: Ticket, field: str, old: str | None, new: str,
               source: str, user: User, model_category: str | None = None) -> None:
    """Pass a correction on with its provenance, including what the model had said."""
    full_text = _full_text(ticket)
    ctx.record_correction(session, Correction(
        ticket_id=ticket.id, text=full_text, field=field, old_value=old, new_value=new, source=source,
        actor=user.name, model_category=model_category or ticket.category, model_confidence=ticket.category_confidence,
    ))


STATUS_LABELS = {
    Status.RECEIVED: "已受理，正在分派承办部门",
    Status.DISPATCHED: "已转交承办部门",
    Status.PROCESSING: "承办部门正在办理",
    Status.REPLIED: "承办部门已答复，请您评价",
    Status.CLOSED: "已办结",
}


def lookup(session: Session, code: str, ticket_no: int | None) -> Ticket:
    """The order a citizen's 查询码 (and, if given, number) opens; one answer for every wrong guess."""
    wrong = NotFound("工单编号或查询码不正确", "wrong ticket number or query code")
    code = code.lower()
    if ticket_no is None:
        ticket = session.scalar(select(Ticket).where(Ticket.feedback_code == code))
    else:
        ticket = session.get(Ticket, ticket_no)
        if ticket is not None and not secrets.compare_digest(code.encode(), ticket.feedback_code.encode()):
            ticket = None
    if ticket is None:
        raise wrong
    return ticket
