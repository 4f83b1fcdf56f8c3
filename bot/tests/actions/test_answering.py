"""Issue 15, answering side, third round, one behaviour each: a yes/no or single-point question answered
on that point from the guide's fields (the rest one click away), thanks and goodbye answered in kind,
services the catalogue does not cover said so with the way forward, a second item in the same message or
later answered too, and pre-check notes read with their negations.

Run with rasa-sdk's CollectingDispatcher against the stand-in service (conftest.py)."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from test_conversation_repairs import DOMAIN, PASSPORT, guide_tracker, slots_set, texts

from actions import wording
from actions.guide import ActionAnswerItem, ActionOutOfScope
from actions.points import point_answer, points_asked

EXIT_ENTRY = {"hall": "青山公安分局出入境接待大厅", "address": "青山区文化路16号一楼",
              "hours": "周一至周五 8:30-17:30（中午不休）；周日 9:00-12:00", "phone": "0710-5556120",
              "window": "证件受理区"}
PASSPORT_ITEM = {"code": "QS-GA-010", "name": "普通护照签发", "place": EXIT_ENTRY, "visits": 1,
                 "online": {"available": True, "level": "网上预约"}, "fee": "120元",
                 "materials": [{"name": "居民身份证", "aliases": ["身份证"], "required": True}]}
PASSPORT_RECORD = {"kind": "item", "text": "【普通护照签发】（青山公安分局，行政许可）\n收费标准：120元",
                   "item": PASSPORT_ITEM}
ON_PASSPORT = {"service_item": "普通护照签发", "item_code": "QS-GA-010", "topic": "item"}
FULLY_ONLINE = {**PASSPORT_ITEM, "name": "异地就医备案", "visits": 0,
                "online": {"available": True, "level": "全程网办", "url": "国家医保服务平台App"}}


def answer(service, dispatcher, text: str, slots: Dict[str, Any], intent: str = "ask_place",
           entities: List[Dict[str, Any]] = ()) -> List[Dict[str, Any]]:
    return ActionAnswerItem().run(dispatcher, guide_tracker(text, intent, list(entities), slots), DOMAIN)


def aspects_fetched(service) -> List[str]:
    return [call["query"]["aspect"] for call in service.calls("GET", "/api/catalogue/items/QS-GA-010")]


# ---- a yes/no or single-point question gets that point ---------------------------------------------


def test_a_saturday_question_is_answered_no_from_the_halls_hours_naming_the_day_it_is_open():
    said = point_answer("周六去可以吗 平时要上班", PASSPORT_ITEM, points_asked("周六去可以吗 平时要上班"))
    assert "不行" in said and "周六不办公" in said and "周日 9:00-12:00" in said


def test_a_sunday_question_is_answered_yes_when_the_hours_name_sunday():
    assert point_answer("星期天能办吗", PASSPORT_ITEM, ["weekend"]).splitlines()[1].startswith("可以")


def test_whether_someone_else_may_apply_is_said_to_be_unknown_with_the_halls_phone():
    said = point_answer("能让我儿子帮我代办吗", PASSPORT_ITEM, points_asked("能让我儿子帮我代办吗"))
    assert "指南没有写明" in said and "0710-5556120" in said and "转人工" in said


def test_must_i_go_myself_says_the_visits_and_that_the_guide_is_silent_on_in_person():
    said = point_answer("要本人去吗", PASSPORT_ITEM, points_asked("要本人去吗"))
    assert "最多跑1次" in said and "是否必须本人到场，指南没有写明" in said


def test_a_fully_online_item_needs_no_visit():
    said = point_answer("要她回青山跑一趟吗", FULLY_ONLINE, points_asked("要她回青山跑一趟吗"))
    assert said.splitlines()[1].startswith("不用去现场") and "国家医保服务平台App" in said


def test_online_booking_only_is_not_called_doing_it_online():
    said = point_answer("能网上办吗", PASSPORT_ITEM, points_asked("能网上办吗"))
    assert "网上预约" in said and "不能全程网办" in said


def test_a_point_follow_up_gets_the_point_not_the_whole_guide_and_the_rest_one_click_away(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", PASSPORT_RECORD)
    answer(service, dispatcher, "周六去可以吗", ON_PASSPORT)
    reply = next(m for m in dispatcher.messages if m.get("text"))
    assert reply["text"].startswith("【普通护照签发】\n不行") and "申请材料" not in reply["text"]
    assert reply["buttons"][0]["payload"] == '/inform_item{"service_item": "普通护照签发"}'
    assert "place" not in aspects_fetched(service)  # the record, for its hours; not the rendered place


def test_a_first_question_about_the_fee_gets_the_fee_not_the_whole_guide(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.9, "ambiguous": False,
                                                  "matches": [PASSPORT]})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", PASSPORT_RECORD)
    answer(service, dispatcher, "办护照要多少钱啊", {}, "ask_fee",
           [{"entity": "service_item", "value": "护照", "confidence_entity": 0.9}])
    assert aspects_fetched(service)[0] == "fee" and "all" not in aspects_fetched(service)


def test_a_first_question_about_materials_still_gets_the_whole_guide(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.9, "ambiguous": False,
                                                  "matches": [PASSPORT]})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", PASSPORT_RECORD)
    answer(service, dispatcher, "办护照要带什么", {}, "ask_materials",
           [{"entity": "service_item", "value": "护照", "confidence_entity": 0.9}])
    assert aspects_fetched(service)[0] == "all" and not dispatcher.messages[0]["buttons"]


def test_in_wechat_the_full_guide_is_offered_by_name_not_by_a_numbered_button(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", PASSPORT_RECORD)
    ActionAnswerItem().run(dispatcher, guide_tracker("网上能办不", "ask_online", [], ON_PASSPORT, "wx:abc"), DOMAIN)
    assert "回复“普通护照签发”" in texts(dispatcher)[0] and not dispatcher.messages[0].get("buttons")


# ---- thanks, goodbye and 好的 after an answer ---------------------------------------------------------


@pytest.mark.parametrize("said, kind", [("好的 谢谢你哈 辛苦啦", "thank"), ("好的 知道了 谢谢", "thank"),
                                        ("嗯嗯 拜拜", "goodbye"), ("好的", "ok"), ("Great, thanks!", "thank")])
def test_courtesy_alone_is_recognised(said, kind):
    assert wording.courtesy(said) == kind


@pytest.mark.parametrize("said", ["好的，那周六能办吗", "谢谢，还有老年公交卡在哪办", "行不行", "how much"])
def test_courtesy_with_a_question_is_not_courtesy(said):
    assert wording.courtesy(said) is None


def test_thanks_after_an_answer_is_answered_in_kind_not_with_the_guide_again(service, dispatcher):
    events = answer(service, dispatcher, "好的 谢谢你哈 辛苦啦", ON_PASSPORT, "inform_item")
    assert dispatcher.messages[0]["response"] == "utter_thank" and events == []
    assert service.requests == []


def test_thanks_in_english_is_answered_in_english(service, dispatcher):
    ActionOutOfScope().run(dispatcher, guide_tracker("Great, thanks!", "out_of_scope", [], ON_PASSPORT), DOMAIN)
    assert texts(dispatcher)[0].startswith("You're welcome") and service.requests == []
