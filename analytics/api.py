"""/api/analysis: the leaders' analysis (report, live hot issues, warnings) and reply quality by department.

Who may see what:
- the report (JSON and PDF), the live hot issues and the warnings: leaders (and admins). They
  cover every department and quote citizens' messages, so operators and departments do not get them;
- reply quality by department: leaders and operators see every department, a department only its own;
- rebuilding the live issues from the database: leaders and admins.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from statistics import mean
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import select

from analytics.feed import LiveResults
from analytics.replies import score_reply
from analytics.report import render_pdf
from analytics.service import Analytics
from analytics.tickets import report_from_database, ticket_message
from core.auth import Role
from core.deps import SessionDep, require
from core.errors import BadRequest
from routing.orm import Ticket

router = APIRouter(prefix="/api/analysis", tags=["analysis"])
Leader = require(Role.LEADER)
QualityReader = require(Role.LEADER, Role.OPERATOR, Role.DEPARTMENT)


async def get_analytics(request: Request) -> Analytics:
    return request.app.state.analytics


AnalyticsDep = Annotated[Analytics, Depends(get_analytics)]


def live_results(analytics: AnalyticsDep) -> LiveResults:
    """The live analysis, caught up with every order stored so far."""
    analytics.flush()
    return analytics.live


LiveDep = Annotated[LiveResults, Depends(live_results)]


def _period(analytics: Analytics, start: date, end: date) -> tuple[date, date]:
    if end < start:
        raise BadRequest("结束日期早于开始日期", "the end date is before the start date")
    if (end - start).days + 1 > analytics.settings.max_report_days:
        days = analytics.settings.max_report_days
        raise BadRequest(f"统计周期不能超过 {days} 天", f"a report covers at most {days} days")
    return start, end


@router.get("/report")
def report(session: SessionDep, analytics: AnalyticsDep, user: Leader, start: date, end: date,
           top: int = Query(default=10, ge=1, le=50)) -> dict:
    """The period's numbers (both days included), as the page draws them and the PDF prints them."""
    start, end = _period(analytics, start, end)
    data = report_from_database(session, start, end, history_days=analytics.settings.window_days, top=top,
                                config=analytics.config, known=analytics.known_places)
    return data.to_json()


@router.get("/report.pdf", response_class=Response)
def report_pdf(session: SessionDep, analytics: AnalyticsDep, user: Leader, start: date, end: date,
               top: int = Query(default=10, ge=1, le=50)) -> Response:
    import tempfile
    from pathlib import Path

    start, end = _period(analytics, start, end)
    data = report_from_database(session, start, end, history_days=analytics.settings.window_days, top=top,
                                config=analytics.config, known=analytics.known_places)
    with tempfile.TemporaryDirectory() as folder:
        content = render_pdf(data, Path(folder) / "report.pdf").read_bytes()
    name = f"analysis-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/issues")
def live_issues(request: Request, user: Leader, live: LiveDep, top: int = Query(default=10, ge=1, le=50),
                days: int = Query(default=30, ge=1, le=366)) -> dict:
    """The live hot issues with a message in the last ``days`` days, hottest first (heat as of now)."""
    now = request.app.state.router.clock()
    return live.issues(as_of=now, since=now - timedelta(days=days), top=top)


@router.get("/warnings")
def live_warnings(user: Leader, live: LiveDep, start: date | None = None, end: date | None = None) -> list:
    return live.warnings(start, end)


@router.post("/rebuild")
def rebuild(request: Request, user: Leader, live: LiveDep) -> dict:
    """Group the recent orders afresh (new place names and words); normally done at start-up."""
    return live.rebuild(request.app.state.router.clock())


@router.get("/reply-quality")
def reply_quality(session: SessionDep, analytics: AnalyticsDep, user: QualityReader, start: date, end: date) -> dict:
    """Replies to the orders received in the period, by department: how good, how many held as poor."""
    start, end = _period(analytics, start, end)
    begin, finish = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    query = select(Ticket).where(Ticket.reply.is_not(None), Ticket.received_at >= begin, Ticket.received_at < finish)
    if user.role == Role.DEPARTMENT:
        query = query.where(Ticket.department == user.department)
    groups: dict[str, list[dict]] = {}
    for ticket in session.scalars(query):
        check = ticket.reply_check or _check(analytics, ticket)
        groups.setdefault(ticket.department or "未派单", []).append({**check, "held": ticket.reply_held})
    return {"start": start.isoformat(), "end": end.isoformat(),
            "overall": _summary([c for checks in groups.values() for c in checks]),
            "by_department": {code: _summary(checks) for code, checks in sorted(groups.items())}}


def _check(analytics: Analytics, ticket: Ticket) -> dict:
    """The scores of a reply given before replies were checked at the time."""
    score = score_reply(ticket_message(ticket), analytics.rules, ticket.reply, ticket.replied_at)
    return {"poor": score.poor, "reasons": score.reasons, "relevance": score.relevance,
            "completeness": score.completeness, "timeliness": score.timeliness, "quality": score.quality}


def _summary(checks: list[dict]) -> dict:
    if not checks:
        return {"replies": 0}
    return {"replies": len(checks),
            "quality": round(mean(c.get("quality", 0.0) for c in checks), 3),
            "relevance": round(mean(c.get("relevance", 0.0) for c in checks), 3),
            "completeness": round(mean(c.get("completeness", 0.0) for c in checks), 3),
            "timeliness": round(mean(c.get("timeliness", 0.0) for c in checks), 3),
            "poor_share": round(sum(bool(c.get("poor")) for c in checks) / len(checks), 4),
            "held": sum(bool(c.get("held")) for c in checks)}
