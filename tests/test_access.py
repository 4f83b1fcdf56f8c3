"""Who may read and act on an order: role × endpoint × owner, in one table, on SQLite and PostgreSQL.

The order belongs to 住建局 (zjj): for zjj it is its own, for 城管局 (cgj) another unit's. Operators and
admins reach every order, trainers read the text they curate (never the contact), the bot files orders
but reads none (citizens look theirs up with the 查询码), leaders read the analysis, not orders.
"""

from __future__ import annotations

import pytest

from routing.context import pass_every_reply
from tests.helpers import auth, intake

ROLES = ("operator", "admin", "trainer", "zjj", "cgj", "bot", "leader", "anonymous")
# Each row: what is done to the order, where it stands first, then the status each role gets, in ROLES order.
MATRIX = [
    ("read",     "转办", (200, 200, 200, 200, 403, 403, 403, 401)),
    ("events",   "转办", (200, 200, 200, 200, 403, 403, 403, 401)),
    ("accept",   "转办", (403, 200, 403, 200, 403, 403, 403, 401)),
    ("return",   "办理", (403, 200, 403, 200, 403, 403, 403, 401)),
    ("reply",    "办理", (403, 200, 403, 200, 403, 403, 403, 401)),
    ("reassign", "办理", (200, 200, 403, 403, 403, 403, 403, 401)),
    ("close",    "反馈", (200, 200, 403, 403, 403, 403, 403, 401)),
]
REQUESTS = {
    "read": ("GET", "", None),
    "events": ("GET", "/events", None),
    "accept": ("POST", "/accept", None),
    "return": ("POST", "/return", {"reason": "不属于本单位职责"}),
    "reply": ("POST", "/reply", {"reply": "经现场核查，施工单位已停止夜间施工，并承诺今后按规定时间作业。"}),
    "reassign": ("POST", "/reassign", {"department": "cgj", "reason": "改派城管"}),
    "close": ("POST", "/close", {"reason": "回访确认已解决"}),
}


def _order_of_zjj(client, stage: str) -> int:
    """A new order assigned to 住建局, moved on to ``stage`` by the people who do that."""
    order = intake(client, text="青山区幸福小区旁工地夜间施工噪音扰民")
    tid = order["id"]
    assert client.post(f"/api/tickets/{tid}/dispatch", json={"department": "zjj"},
                       headers=auth("operator")).status_code == 200
    if stage in ("办理", "反馈"):
        assert client.post(f"/api/tickets/{tid}/accept", headers=auth("zjj")).status_code == 200
    if stage == "反馈":
        client.app.state.router.check_reply = pass_every_reply  # the reply is not held for review
        assert client.post(f"/api/tickets/{tid}/reply", json=REQUESTS["reply"][2],
                           headers=auth("zjj")).status_code == 200
    return tid


@pytest.mark.parametrize(("action", "stage", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_each_role_reaches_only_the_orders_it_may(client, action, stage, expected):
    method, suffix, body = REQUESTS[action]
    got = {}
    for role in ROLES:
        tid = _order_of_zjj(client, stage)
        headers = {} if role == "anonymous" else auth(role)
        got[role] = client.request(method, f"/api/tickets/{tid}{suffix}", json=body, headers=headers).status_code
    assert got == dict(zip(ROLES, expected, strict=True))


def test_a_unit_lists_only_its_own_orders(client):
    own = _order_of_zjj(client, "转办")
    listed = {role: {t["id"] for t in client.get("/api/tickets", headers=auth(role)).json()}
              for role in ("zjj", "cgj", "operator", "trainer")}
    assert own in listed["zjj"] and own in listed["operator"] and own in listed["trainer"]
    assert own not in listed["cgj"]


def test_trainers_read_the_text_without_the_contact(client):
    tid = _order_of_zjj(client, "转办")
    for role, contact in (("trainer", None), ("operator", "13812345678"), ("zjj", "13812345678")):
        order = client.get(f"/api/tickets/{tid}", headers=auth(role)).json()
        assert (order["text"], order["contact"]) == ("青山区幸福小区旁工地夜间施工噪音扰民", contact), role
