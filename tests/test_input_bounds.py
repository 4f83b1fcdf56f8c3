"""Whatever a caller sends is a 4xx, never a 500: ids within the database's range, control characters
stripped, lengths checked against the columns, LIKE wildcards taken literally; times carry their offset,
and every error answer is documented in the OpenAPI schema."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from routing.orm import Ticket, TicketEvent
from tests.helpers import auth, intake

TOO_BIG = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("ticket_id", TOO_BIG)
def test_an_id_beyond_the_integer_range_is_a_422(client, ticket_id):
    assert client.get(f"/api/tickets/{ticket_id}", headers=auth("operator")).status_code == 422
    assert client.post(f"/api/tickets/{ticket_id}/rating",
                       json={"feedback_code": "0" * 16, "rating": "满意"}).status_code == 422
    assert client.post(f"/api/handoffs/{ticket_id}/take", headers=auth("operator")).status_code == 422
    assert client.get(f"/api/models/jobs/{ticket_id}", headers=auth("trainer")).status_code == 422
    assert client.post(f"/api/feedback/{ticket_id}/reject", headers=auth("trainer")).status_code == 422


def test_nul_and_control_characters_are_stripped_and_the_text_kept(client, app_context):
    order = intake(client, text="路灯\x00坏了\x07一个月\n没人修", title="路灯\x1b故障")
    assert (order["text"], order["title"]) == ("路灯坏了一个月 没人修", "路灯故障")
    with app_context.sessions() as session:
        assert "\x00" not in session.get(Ticket, order["id"]).text


def test_a_category_longer_than_its_column_is_a_422_and_nothing_changes(client):
    order = intake(client)
    response = client.post(f"/api/tickets/{order['id']}/dispatch", json={"department": "zjj", "category": "类" * 33},
                           headers=auth("operator"))
    assert response.status_code == 422
    assert client.get(f"/api/tickets/{order['id']}", headers=auth("operator")).json()["status"] == "受理"


def test_a_title_that_grows_past_its_column_when_normalised_is_a_422(client):
    response = client.post("/api/tickets", json={"text": "路灯坏了", "channel": "电话", "title": "㈱" * 100},
                           headers=auth("operator"))
    assert response.status_code == 422


@pytest.mark.parametrize("wildcard", ["%", "_"])
def test_like_wildcards_in_the_search_are_literal(client, wildcard):
    intake(client, text="小区物业擅自涨价20%，业主不同意")
    intake(client, text="青山区和平路路灯不亮")
    found = [t["text"] for t in client.get("/api/tickets", params={"q": wildcard}, headers=auth("operator")).json()]
    assert found == (["小区物业擅自涨价20%,业主不同意"] if wildcard == "%" else [])


def test_times_are_answered_with_their_offset(client):
    order = intake(client)
    assert order["received_at"] == "2026-03-02T17:00:00+08:00"  # the test clock's 09:00 UTC, in 青山区
    events = client.get(f"/api/tickets/{order['id']}/events", headers=auth("operator")).json()
    assert all(e["at"].endswith("+08:00") for e in events)


def test_event_reasons_are_stored_and_shown_masked(client, app_context):
    order = intake(client)
    reason = "市民张先生 138 1234 5678 要求住建局处理"
    client.post(f"/api/tickets/{order['id']}/dispatch", json={"department": "zjj", "reason": reason},
                headers=auth("operator"))
    events = client.get(f"/api/tickets/{order['id']}/events", headers=auth("zjj")).json()
    assert events[-1]["reason"] == "市民张先生 [手机号] 要求住建局处理"
    with app_context.sessions() as session:
        stored = session.scalars(select(TicketEvent.reason).where(TicketEvent.ticket_id == order["id"])).all()
    assert not any("5678" in (reason or "") for reason in stored)


def test_handoff_transcripts_are_masked(client):
    body = {"sender_id": "web-1", "reason": "requested",
            "transcript": [{"speaker": "user", "text": "我的身份证110101 19900307 1234，电话一三八一二三四五六七八"}]}
    created = client.post("/api/handoffs", json=body, headers=auth("bot")).json()
    assert created["transcript"][0]["text"] == "我的身份证[身份证号]，电话[手机号]"


def test_every_error_answer_is_documented_with_the_bilingual_body(client):
    schema = client.get("/openapi.json").json()
    read = schema["paths"]["/api/tickets/{ticket_id}"]["get"]["responses"]
    assert {"401", "403", "404", "422"} <= set(read)
    assert read["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_a_control_character_in_the_query_is_a_422(client):
    response = client.get("/api/tickets", params={"department": "zjj\x00"}, headers=auth("operator"))
    assert response.status_code == 422
    assert response.json()["error"]["en"] == "control characters in the path or query"
