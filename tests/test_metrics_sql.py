"""Metrics and the overdue queue are computed in the database: the same figures as counting order by order
in Python (the way they were first computed, kept here as the specification), on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.db import make_engine, make_session_factory, upgrade_database
from routing.lifecycle import Action, Status
from routing.metrics import compute_metrics
from routing.orm import Ticket, TicketEvent
from routing.tickets import is_overdue, overdue_condition
from tests.helpers import auth, intake

TEXTS = ["青山区河西街道翠竹园小区门口垃圾堆了三天没人清运", "幸福路与光明路交叉口红绿灯不亮，早高峰很危险",
         "青山中学附近夜里施工噪音太大，影响学生休息", "桂花社区自来水发黄，已经持续一周",
         "河西菜市场占道经营，电动车通行困难", "请问青山区办理居住证需要带哪些材料"]
DEPARTMENTS = ["zjj", "cgj", "street_hexi", "", None]
ACTIONS = [*(str(a) for a in Action), "intake", "triage", "hold"]
START = datetime(2026, 3, 1, 8, 0)


# ---- the specification: every order loaded and counted in Python --------------------------------------


def _python_counts() -> dict[str, int]:
    return dict.fromkeys(("received", "dispatched", "responded_on_time", "closed", "closed_on_time", "rated",
                          "satisfied", "returned", "with_suggestion", "suggestion_kept"), 0)


def _count(counts: dict[str, int], ticket: Ticket) -> None:
    counts["received"] += 1
    dispatches = [e for e in ticket.events if e.action == Action.DISPATCH]
    if not dispatches:
        return
    counts["dispatched"] += 1
    if ticket.responded_at is not None and ticket.responded_at <= ticket.response_due:
        counts["responded_on_time"] += 1
    if ticket.status == Status.CLOSED:
        counts["closed"] += 1
        if ticket.closed_at is not None and ticket.closed_at <= ticket.completion_due:
            counts["closed_on_time"] += 1
    if ticket.rating:
        counts["rated"] += 1
        counts["satisfied"] += ticket.rating in ("满意", "基本满意")
    counts["returned"] += ticket.return_count > 0
    if ticket.suggested_department:
        counts["with_suggestion"] += 1
        counts["suggestion_kept"] += dispatches[0].department == ticket.suggested_department


def metrics_in_python(session, start=None, end=None, department=None) -> dict:
    from routing.metrics import rates

    query = select(Ticket).options(selectinload(Ticket.events))
    if start:
        query = query.where(Ticket.received_at >= start)
    if end:
        query = query.where(Ticket.received_at < end)
    overall, per_department = _python_counts(), defaultdict(_python_counts)
    for ticket in session.scalars(query):
        owner = ticket.department or next((e.department for e in reversed(ticket.events) if e.department), None)
        if department and owner != department:
            continue
        _count(overall, ticket)
        _count(per_department[owner or "未派单"], ticket)
    return {"period": {"start": start, "end": end}, "overall": rates(overall),
            "by_department": {code: rates(counts) for code, counts in sorted(per_department.items())}}


# ---- a seeded database of varied orders ---------------------------------------------------------------


def _around(rng: random.Random, due: datetime) -> datetime | None:
    """None, exactly the deadline, or some hours either side of it."""
    choice = rng.random()
    if choice < 0.25:
        return None
    if choice < 0.35:
        return due
    return due + timedelta(hours=rng.uniform(-30, 30))


@pytest.fixture
def seeded(database_url):
    engine = make_engine(database_url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    rng = random.Random(18)
    with sessions() as session:
        for number in range(160):
            received = START + timedelta(hours=rng.uniform(0, 240))
            response_due = received + timedelta(hours=rng.choice([2, 24]))
            completion_due = received + timedelta(days=rng.choice([1, 5, 15]))
            ticket = Ticket(
                external_no=f"QS{number:04d}", channel="电话", text=rng.choice(TEXTS), ticket_type="投诉",
                urgency="普通", status=rng.choice(list(Status)), department=rng.choice(DEPARTMENTS),
                suggested_department=rng.choice(DEPARTMENTS), suggestions=[], feedback_code="abcd1234",
                received_at=received, response_due=response_due, completion_due=completion_due,
                responded_at=_around(rng, response_due), closed_at=_around(rng, completion_due),
                rating=rng.choice([None, "", "满意", "基本满意", "不满意"]), return_count=rng.choice([0, 0, 1, 2]),
            )
            session.add(ticket)
            for step in range(rng.randint(0, 5)):
                session.add(TicketEvent(ticket=ticket, action=rng.choice(ACTIONS), to_status=Status.RECEIVED,
                                        actor="话务员小李", role="operator", department=rng.choice(DEPARTMENTS),
                                        at=received + timedelta(minutes=step)))
        session.commit()
    yield sessions
    engine.dispose()


PERIODS = [(None, None), (START + timedelta(days=3), None), (None, START + timedelta(days=6)),
           (START + timedelta(days=2), START + timedelta(days=7))]


@pytest.mark.parametrize("start, end", PERIODS)
@pytest.mark.parametrize("department", [None, "zjj", "street_hexi", "未派单", "没有这个部门"])
def test_metrics_counted_in_the_database_equal_the_order_by_order_count(seeded, start, end, department):
    with seeded() as session:
        expected = metrics_in_python(session, start, end, department)
        assert compute_metrics(session, start, end, department) == expected


def test_the_seeded_orders_exercise_every_figure(seeded):
    """The comparison above means something only if every figure has orders behind it."""
    with seeded() as session:
        overall = metrics_in_python(session)["overall"]
    assert overall["received"] > overall["dispatched"] > 0
    assert all(0 < overall[name] < 1 for name in ("响应率", "办结率", "按时办结率", "满意率", "退单率",
                                                  "suggestion_accuracy"))


@pytest.mark.parametrize("hours", [0, 30, 24 * 6, 24 * 20])
def test_the_overdue_condition_in_sql_picks_the_orders_is_overdue_picks(seeded, hours):
    now = START + timedelta(hours=hours)
    with seeded() as session:
        everything = session.scalars(select(Ticket).order_by(Ticket.id)).all()
        late = session.scalars(select(Ticket.id).where(overdue_condition(now)).order_by(Ticket.id)).all()
        on_time = session.scalars(select(Ticket.id).where(~overdue_condition(now)).order_by(Ticket.id)).all()
    assert late == [t.id for t in everything if is_overdue(t, now)]
    assert on_time == [t.id for t in everything if not is_overdue(t, now)]


def test_the_overdue_queue_applies_its_limit_after_the_filter(client, clock):
    """The newest overdue orders up to the limit, however many newer orders are on time."""
    first = intake(client, external_no="QS-LATE-1", text="翠竹园小区电梯停运两天，老人下不了楼")
    second = intake(client, external_no="QS-LATE-2", text="幸福路路面塌陷一个大坑，晚上看不清")
    clock.advance(24 * 30)
    for number in range(3):
        intake(client, external_no=f"QS-NEW-{number}", text="桂花社区路灯不亮，晚上出行不便")
    overdue = client.get("/api/tickets?overdue=true&limit=2", headers=auth("operator")).json()
    assert [t["id"] for t in overdue] == [second["id"], first["id"]]
    fresh = client.get("/api/tickets?overdue=false&limit=2", headers=auth("operator")).json()
    assert len(fresh) == 2 and not any(t["overdue"] for t in fresh)
