"""The trainer's 对话 review (learning.bot_review, /api/bot/review): doubtful turns in, Rasa NLU examples out."""

from __future__ import annotations

import yaml

from learning.bot_review import annotated, render_nlu
from tests.helpers import auth, bot_turn


def queue(client) -> dict:
    response = client.get("/api/bot/review", headers=auth("trainer"))
    assert response.status_code == 200, response.text
    return response.json()


def decide(client, turn_id: int, **body):
    return client.post(f"/api/bot/review/{turn_id}", json=body, headers=auth("trainer"))


def reviewed_examples(app_context) -> dict[str, list[str]]:
    data = yaml.safe_load(app_context.learning.bot.reviewed_file.read_text(encoding="utf-8"))
    assert data["version"] == "3.1"
    return {block["intent"]: [line[2:] for line in block["examples"].splitlines()] for block in data["nlu"]}


def test_fallbacks_low_confidence_turns_and_unsatisfying_answers_wait_for_review_with_their_conversation(client):
    bot_turn(client, conversation_id="c1", turn_id="1", text="你好", intent="greet", kind="answer")
    fallback = bot_turn(client, conversation_id="c1", turn_id="2", text="我家门口那个坑啥时候填", intent=None,
                        confidence=None, kind="fallback", entities=[])
    unsure = bot_turn(client, conversation_id="c2", turn_id="1", text="社保卡丢了咋整", kind="low_confidence",
                      intent="ask_place", confidence=0.38, entities=[])
    liked = bot_turn(client, conversation_id="c3", turn_id="1")
    disliked = bot_turn(client, conversation_id="c3", turn_id="2", text="那要多久能办好", intent="ask_time_limit")
    for turn, rating in ((liked, "satisfied"), (disliked, "unsatisfied")):
        client.post("/api/bot/ratings", json={"conversation_id": turn["conversation_id"],
                                              "turn_id": turn["turn_id"], "rating": rating})
    items = queue(client)["items"]
    assert [(i["turn"]["id"], i["reason"]) for i in items] == [
        (disliked["id"], "unsatisfied"), (fallback["id"], "fallback"), (unsure["id"], "low_confidence")]
    assert [t["text"] for t in items[1]["context"]] == ["你好", "我家门口那个坑啥时候填"]
    assert [t["text"] for t in items[0]["context"]] == ["办营业执照要带什么材料", "那要多久能办好"]


def test_the_queue_offers_the_bots_intents_but_not_its_retrieval_intents(client):
    options = queue(client)
    assert "ask_materials" in options["intents"] and "out_of_scope" in options["intents"]
    assert "faq" not in options["intents"] and "service_item" in options["entities"]


def test_a_labelled_turn_becomes_an_example_with_its_entities_in_rasas_format(client, app_context):
    turn = bot_turn(client, text="开饭店的执照要啥材料", kind="low_confidence", confidence=0.3, entities=[])
    done = decide(client, turn["id"], action="label", intent="ask_materials",
                  entities=[{"entity": "service_item", "start": 1, "end": 6, "value": "食品经营许可"}])
    assert done.status_code == 201, done.text
    assert reviewed_examples(app_context) == {
        "ask_materials": ['开[饭店的执照]{"entity": "service_item", "value": "食品经营许可"}要啥材料']}
    assert queue(client)["items"] == []


def test_out_of_scope_and_rejected_turns_leave_the_queue_and_only_out_of_scope_is_learned(client, app_context):
    weather = bot_turn(client, text="明天青山区下雨吗", kind="fallback", intent=None, entities=[])
    noise = bot_turn(client, text="啊啊啊测试", kind="fallback", intent=None, entities=[])
    assert decide(client, weather["id"], action="out_of_scope").status_code == 201
    assert decide(client, noise["id"], action="reject").status_code == 201
    assert reviewed_examples(app_context) == {"out_of_scope": ["明天青山区下雨吗"]}
    assert queue(client)["items"] == []


def test_a_masked_number_stays_plain_text_in_the_example(client, app_context):
    turn = bot_turn(client, text="我的电话13812345678打不通12345", kind="fallback", intent=None, entities=[])
    decide(client, turn["id"], action="label", intent="request_human")
    assert reviewed_examples(app_context) == {"request_human": ["我的电话【手机号】打不通12345"]}


def test_a_decision_with_an_unknown_intent_or_entity_or_a_wrong_span_is_refused(client):
    turn = bot_turn(client, text="办个证", kind="fallback", intent=None, entities=[])
    unknown = decide(client, turn["id"], action="label", intent="ask_weather")
    assert unknown.status_code == 400 and unknown.json()["error"]["zh"] == "未知的意图 ask_weather"
    entity = decide(client, turn["id"], action="label", intent="ask_materials",
                    entities=[{"entity": "colour", "start": 0, "end": 1}])
    assert entity.status_code == 400 and "未知的实体" in entity.json()["error"]["zh"]
    span = decide(client, turn["id"], action="label", intent="ask_materials",
                  entities=[{"entity": "service_item", "start": 2, "end": 9}])
    assert span.status_code == 400 and "位置" in span.json()["error"]["zh"]
    assert len(queue(client)["items"]) == 1


def test_a_turn_is_reviewed_once_and_only_by_a_trainer(client):
    turn = bot_turn(client, kind="fallback", intent=None, entities=[])
    assert client.get("/api/bot/review", headers=auth("operator")).status_code == 403
    assert decide(client, turn["id"], action="reject").status_code == 201
    again = decide(client, turn["id"], action="reject")
    assert again.status_code == 409 and again.json()["error"]["zh"]
    assert decide(client, 9999, action="reject").status_code == 404


def test_no_review_yet_is_valid_empty_nlu_and_entities_use_rasas_markup():
    assert render_nlu({}) == ('# 对话审核通过的样例 / examples approved in the trainer\'s 对话 review '
                              '(learning.bot_review).\n# Rewritten from the database after every decision: '
                              'edit them in /trainer, not here.\nversion: "3.1"\nnlu: []\n')
    assert annotated("办营业执照", [{"entity": "service_item", "start": 1, "end": 5, "value": "营业执照"}]) \
        == "办[营业执照](service_item)"


def test_the_latest_decision_about_the_same_words_wins(client, app_context):
    first = bot_turn(client, conversation_id="a", text="怎么办", kind="fallback", intent=None, entities=[])
    second = bot_turn(client, conversation_id="b", text="怎么办", kind="fallback", intent=None, entities=[])
    decide(client, first["id"], action="label", intent="ask_conditions")
    decide(client, second["id"], action="out_of_scope")
    assert reviewed_examples(app_context) == {"out_of_scope": ["怎么办"]}
