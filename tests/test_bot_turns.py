"""The bot's turns and the citizens' 好差评 (routing.conversations, /api/bot), and the handoff pause."""

from __future__ import annotations

from core.throttle import Throttle
from routing.conversations import mask, relocate_entities
from tests.helpers import auth, bot_turn


def rate(client, turn: dict, rating: str, **extra) -> object:
    return client.post("/api/bot/ratings", json={"conversation_id": turn["conversation_id"],
                                                 "turn_id": turn["turn_id"], "rating": rating, **extra})


def stored(app_context, turn_id: int):
    from routing.orm import BotTurn

    with app_context.sessions() as session:
        return session.get(BotTurn, turn_id)


def test_a_turn_is_stored_with_the_citizens_phone_and_id_numbers_masked(client, app_context):
    text = "我电话13812345678，身份证430102199001011234，想办营业执照"
    at = text.index("营业执照")
    turn = bot_turn(client, text=text, bot_reply="已记下您的电话13812345678", kind="low_confidence", confidence=0.35,
                    entities=[{"entity": "service_item", "value": "营业执照", "start": at, "end": at + 4}])
    saved = stored(app_context, turn["id"])
    assert "13812345678" not in saved.text and "430102199001011234" not in saved.text
    assert saved.text == "我电话[手机号]，身份证[身份证号]，想办营业执照"
    assert saved.bot_reply == "已记下您的电话[手机号]"
    entity = saved.entities[0]
    assert saved.text[entity["start"]:entity["end"]] == "营业执照"  # offsets follow the shorter masked text


def test_the_same_turn_reported_twice_is_stored_once(client):
    first = bot_turn(client, turn_id="retry-1")
    again = bot_turn(client, turn_id="retry-1")
    assert again["id"] == first["id"]


def test_only_the_bot_reports_turns(client):
    body = {"conversation_id": "c", "turn_id": "t", "text": "你好", "kind": "answer"}
    assert client.post("/api/bot/turns", json=body).status_code == 401
    assert client.post("/api/bot/turns", json=body, headers=auth("operator")).status_code == 403
    bad = client.post("/api/bot/turns", json={**body, "kind": "guess"}, headers=auth("bot"))
    assert bad.status_code == 422 and bad.json()["error"]["zh"]


def test_a_citizen_rates_an_answer_without_logging_in_and_a_second_rating_replaces_the_first(client, app_context):
    turn = bot_turn(client)
    assert rate(client, turn, "satisfied").status_code == 201
    second = rate(client, turn, "unsatisfied", comment="材料说得不全，打13812345678问过")
    assert second.status_code == 201
    saved = stored(app_context, turn["id"])
    assert (saved.rating, saved.rating_comment) == ("unsatisfied", "材料说得不全，打[手机号]问过")


def test_a_rating_of_an_unknown_answer_or_with_a_wrong_value_is_refused(client):
    turn = bot_turn(client)
    missing = rate(client, {**turn, "turn_id": "no-such-turn"}, "satisfied")
    assert missing.status_code == 404 and missing.json()["error"]["zh"] == "没有找到要评价的回答"
    assert rate(client, {**turn, "conversation_id": "someone-else"}, "satisfied").status_code == 404
    assert rate(client, turn, "great").status_code == 422


def test_ratings_from_one_address_are_throttled_but_the_bots_are_not(client, app_context):
    app_context.router.rating_throttle = Throttle("bot-rating", limit=2, window=60)
    turn = bot_turn(client)
    assert [rate(client, turn, "satisfied").status_code for _ in range(3)] == [201, 201, 429]
    refused = rate(client, turn, "satisfied")
    assert refused.json()["error"]["zh"] == "评价太频繁，请稍后再试"
    by_bot = client.post("/api/bot/ratings", headers=auth("bot"), json={
        "conversation_id": turn["conversation_id"], "turn_id": turn["turn_id"], "rating": "unsatisfied"})
    assert by_bot.status_code == 201


def test_masking_keeps_courtesy_words_the_bot_learns_from():
    assert mask("你好，谢谢！我的电话是１３８１２３４５６７８") == "你好，谢谢！我的电话是[手机号]"
    assert relocate_entities("打13812345678", mask("打13812345678"),
                             [{"entity": "ticket_no", "value": "13812345678", "start": 1, "end": 12}]) == []


def test_the_metrics_show_satisfaction_by_intent_and_by_item(client):
    for rating, intent, item in (("satisfied", "ask_materials", "QS-SC-001"), ("unsatisfied", "ask_materials",
                                 "QS-SC-002"), ("satisfied", "ask_fee", "QS-SC-001")):
        rate(client, bot_turn(client, intent=intent, item_code=item), rating)
    bot_turn(client)  # answered, not rated
    figures = client.get("/api/metrics", headers=auth("operator")).json()["bot_ratings"]
    assert (figures["good"], figures["bad"], figures["rated"], figures["answers"]) == (2, 1, 3, 4)
    assert figures["good_rate"] == round(2 / 3, 4)
    assert figures["by_intent"]["ask_materials"] == {"good": 1, "bad": 1, "rated": 2, "good_rate": 0.5}
    assert figures["by_item"]["QS-SC-001"] == {"good": 2, "bad": 0, "rated": 2, "good_rate": 1.0}


def test_the_monthly_report_from_the_database_fills_the_bot_ratings(client, clock):
    rate(client, bot_turn(client), "unsatisfied")
    day = clock().date().isoformat()
    report = client.get("/api/analysis/report", params={"start": day, "end": day}, headers=auth("leader")).json()
    assert report["bot_rating"]["bad"] == 1 and report["bot_rating"]["by_intent"]["ask_materials"]["bad"] == 1


# ---- handoff pause ---------------------------------------------------------------------------------------


def handoff(client, sender: str = "web-hand-1") -> dict:
    response = client.post("/api/handoffs", headers=auth("bot"), json={
        "sender_id": sender, "reason": "requested",
        "transcript": [{"speaker": "user", "text": "转人工，我手机13812345678"}, {"speaker": "bot", "text": "好的"}]})
    assert response.status_code == 201
    return response.json()


def test_a_handoff_transcript_is_stored_masked(client):
    assert handoff(client)["transcript"][0]["text"] == "转人工，我手机[手机号]"


def test_the_bot_sees_a_handoff_open_until_the_operator_closes_it(client):
    opened = handoff(client)
    assert client.get(f"/api/handoffs/{opened['id']}", headers=auth("bot")).json()["status"] == "待接入"
    client.post(f"/api/handoffs/{opened['id']}/take", headers=auth("operator"))
    closed = client.post(f"/api/handoffs/{opened['id']}/close", headers=auth("operator"))
    assert closed.status_code == 200 and closed.json()["closed_by"] == "话务员小王"
    assert client.get(f"/api/handoffs/{opened['id']}", headers=auth("bot")).json()["status"] == "已结束"
    again = client.post(f"/api/handoffs/{opened['id']}/close", headers=auth("operator"))
    assert again.status_code == 409 and again.json()["error"]["zh"]


def test_asking_for_a_human_again_while_one_is_on_it_adds_to_the_same_handoff(client):
    first = handoff(client, "web-hand-2")
    client.post(f"/api/handoffs/{first['id']}/take", headers=auth("operator"))
    assert handoff(client, "web-hand-2")["id"] == first["id"]


def test_only_operators_close_handoffs_and_only_they_and_the_bot_read_one(client):
    opened = handoff(client)
    assert client.post(f"/api/handoffs/{opened['id']}/close", headers=auth("bot")).status_code == 403
    assert client.get(f"/api/handoffs/{opened['id']}", headers=auth("trainer")).status_code == 403
    assert client.get(f"/api/handoffs/{opened['id']}").status_code == 401
    assert client.get("/api/handoffs/999", headers=auth("operator")).status_code == 404
