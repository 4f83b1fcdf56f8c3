"""POST /api/citizen/lookup: a citizen follows an order with its 查询码 (no login), and rates it with the same code."""

from __future__ import annotations

import re

from routing.context import pass_every_reply
from tests.helpers import auth, intake

LOOKUP_FIELDS = {"ticket_no", "status", "status_label", "department", "received_at", "completion_due", "overdue",
                 "reply", "rated"}


def test_the_query_code_is_64_bits_of_hex(client):
    assert re.fullmatch(r"[0-9a-f]{16}", intake(client)["feedback_code"])


def test_the_code_alone_finds_the_order_and_shows_nothing_the_citizen_wrote(client):
    order = intake(client, title="车位收费", place="青山区和平小区")
    response = client.post("/api/citizen/lookup", json={"code": order["feedback_code"]})
    assert response.status_code == 200
    found = response.json()
    assert set(found) == LOOKUP_FIELDS
    assert (found["ticket_no"], found["status"], found["reply"], found["rated"]) == (order["id"], "受理", None, False)
    assert found["received_at"].endswith("+08:00")


def test_number_and_code_show_the_unit_and_its_reply(client):
    order = intake(client)
    tid = order["id"]
    client.app.state.router.check_reply = pass_every_reply
    client.post(f"/api/tickets/{tid}/dispatch", json={"department": "zjj"}, headers=auth("operator"))
    client.post(f"/api/tickets/{tid}/accept", headers=auth("zjj"))
    client.post(f"/api/tickets/{tid}/reply", json={"reply": "已责令物业恢复公共车位。联系电话0731-88886666"},
                headers=auth("zjj"))
    found = client.post("/api/citizen/lookup", json={"code": order["feedback_code"], "ticket_no": tid}).json()
    assert found["department"] == "青山区住房和城乡建设局"
    assert found["status_label"] == "承办部门已答复，请您评价"
    assert found["reply"] == "已责令物业恢复公共车位。联系电话[电话]"


def test_a_wrong_number_and_a_wrong_code_get_the_same_answer(client):
    order = intake(client)
    wrong_code = client.post("/api/citizen/lookup", json={"code": "0" * 16, "ticket_no": order["id"]})
    wrong_number = client.post("/api/citizen/lookup", json={"code": order["feedback_code"], "ticket_no": 99999})
    code_only = client.post("/api/citizen/lookup", json={"code": "0" * 16})
    assert wrong_code.status_code == wrong_number.status_code == code_only.status_code == 404
    assert wrong_code.json() == wrong_number.json() == code_only.json()


def test_a_malformed_code_is_a_422(client):
    for code in ("12345678", "查询码查询码查询码查询码查询码查询", "g" * 16):
        assert client.post("/api/citizen/lookup", json={"code": code}).status_code == 422


def test_lookups_from_one_address_are_throttled(client):
    answers = [client.post("/api/citizen/lookup", json={"code": f"{i:016x}"}).status_code for i in range(12)]
    assert answers[:10] == [404] * 10
    assert answers[10:] == [429, 429]


def test_guessing_the_code_of_one_order_is_throttled_when_rating(client):
    order = intake(client)
    answers = [client.post(f"/api/tickets/{order['id']}/rating", json={"feedback_code": f"{i:016x}", "rating": "满意"})
               .status_code for i in range(11)]
    assert answers == [403] * 10 + [429]


def test_a_non_ascii_code_is_refused_not_a_crash(client):
    order = intake(client)
    response = client.post(f"/api/tickets/{order['id']}/rating", json={"feedback_code": "查询码", "rating": "满意"})
    assert response.status_code == 403


def test_the_bots_lookups_are_throttled_per_conversation_not_per_its_one_address(client):
    def ask(conversation: str) -> int:
        return client.post("/api/citizen/lookup", headers=auth("bot"),
                           json={"code": "0" * 16, "conversation_id": conversation}).status_code

    assert [ask("wx:a") for _ in range(11)][-1] == 429
    assert ask("wx:b") == 404


def test_a_conversation_id_without_the_bot_token_is_throttled_by_address(client):
    answers = [client.post("/api/citizen/lookup", json={"code": "0" * 16, "conversation_id": f"c{i}"}).status_code
               for i in range(11)]
    assert answers[-1] == 429
