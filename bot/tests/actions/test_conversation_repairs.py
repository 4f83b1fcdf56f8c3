"""Issue 15, bot side, one behaviour each: forms that let people out and back in, pre-check memory,
follow-ups that survive noise, 查询码 lookups, letters, the handoff pause, 好差评 and English.

Run with rasa-sdk's CollectingDispatcher against the stand-in service (conftest.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker

from actions import wording
from actions.complaint import ValidateComplaintForm
from actions.guide import ENGLISH_HINT, ActionAnswerItem
from actions.handoff import STILL_WITH_PERSON, ActionFallback, ActionHandoffWait
from actions.precheck import ValidatePrecheckForm
from actions.turns import WECHAT_RATE_LINE, ActionRate

DOMAIN: Dict[str, Any] = yaml.safe_load((Path(__file__).parents[2] / "domain.yml").read_text(encoding="utf-8"))
PASSPORT = {"code": "QS-GA-010", "name": "普通护照签发", "kind": "item", "score": 0.92, "matched": "护照"}
MARRIAGE = {"code": "QS-MZ-001", "name": "内地居民结婚登记", "kind": "item", "score": 0.9, "matched": "结婚"}
CODE = "3f9a0c1d2b4e5f60"


def slots_set(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def texts(dispatcher) -> List[str]:
    return [m["text"] for m in dispatcher.messages if m.get("text")]


def in_form(form: str, requested: str, text: str, intent: str = "inform_item", confidence: float = 0.9,
            slots: Optional[Dict[str, Any]] = None, entities: Optional[List[Dict[str, Any]]] = None,
            sender_id: str = "citizen-9") -> Tracker:
    """A tracker inside ``form`` that has just asked for ``requested`` and received ``text``."""
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    values = {"requested_slot": requested, requested: text, **(slots or {})}
    return Tracker.from_dict({
        "sender_id": sender_id, "slots": values, "latest_message": latest, "paused": False,
        "events": [{"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"},
                   {"event": "slot", "name": requested, "value": text}],
        "followup_action": None, "active_loop": {"name": form}, "latest_action_name": "action_listen"})


def run(action, dispatcher, tracker) -> List[Dict[str, Any]]:
    return asyncio.run(action.run(dispatcher, tracker, DOMAIN))


def left_the_form(events: List[Dict[str, Any]]) -> bool:
    return {"event": "active_loop", "name": None, "timestamp": None} in events


# ---- forms let people out and back in ---------------------------------------------------------------


@pytest.mark.parametrize("said", ["算了，不投诉了", "算了", "取消", "退出", "不投诉了，我自己去找物业"])
def test_cancelling_at_the_place_step_leaves_the_form_and_stores_nothing(service, dispatcher, said):
    events = run(ValidateComplaintForm(), dispatcher, in_form("complaint_form", "complaint_place", said))
    assert left_the_form(events)
    assert slots_set(events)["complaint_place"] is None and slots_set(events)["complaint_text"] is None
    assert texts(dispatcher)[0].startswith("好的，已取消，没有提交任何工单。")
    assert service.calls("POST", "/api/tickets") == []


def test_a_bare_suanle_at_the_phone_step_cancels_instead_of_filing_anonymously(service, dispatcher):
    events = run(ValidateComplaintForm(), dispatcher, in_form("complaint_form", "contact", "算了"))
    assert left_the_form(events) and slots_set(events)["contact"] is None


@pytest.mark.parametrize("said", ["电话就不留了", "不想留", "算了不留了", "不方便给", "号码保密", "不留"])
def test_refusing_to_leave_a_phone_in_any_wording_is_accepted(service, dispatcher, said):
    events = run(ValidateComplaintForm(), dispatcher, in_form("complaint_form", "contact", said))
    assert slots_set(events)["contact"] == "不留"
    assert not left_the_form(events) and texts(dispatcher) == []


@pytest.mark.parametrize("said", ["转人工", "人工客服", "我要找真人"])
def test_asking_for_a_person_inside_a_form_hands_over_and_leaves_it(service, dispatcher, said):
    service.reply("POST", "/api/handoffs", {"id": 8, "status": "待接入"}, status=201)
    events = run(ValidateComplaintForm(), dispatcher, in_form("complaint_form", "contact", said))
    assert left_the_form(events)
    assert slots_set(events)["handoff_id"] == 8 and slots_set(events)["with_person"] is True
    assert "人工客服" in texts(dispatcher)[0]
    assert not any("格式" in t for t in texts(dispatcher))


def test_a_status_question_with_a_query_code_inside_a_form_is_answered_and_the_form_goes_on(service, dispatcher):
    service.reply("POST", "/api/citizen/lookup", {"ticket_no": 5, "status": "办理", "status_label": "承办部门正在办理",
                                                  "completion_due": "2026-03-09T09:00:00+08:00", "overdue": False})
    events = run(ValidateComplaintForm(), dispatcher,
                 in_form("complaint_form", "contact", f"先帮我查下查询码{CODE}", "ask_ticket_status"))
    assert "工单 5：承办部门正在办理" in texts(dispatcher)[0]
    assert not left_the_form(events) and slots_set(events)["contact"] is None


def test_a_materials_question_inside_the_complaint_is_answered_then_the_form_asks_again(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"query": "结婚", "decision": "answer", "ambiguous": False,
                                                  "matches": [MARRIAGE]})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", {"kind": "item", "text": "【内地居民结婚登记】申请材料：…"})
    asked = in_form("complaint_form", "complaint_place", "对了，领结婚证要带什么材料？", "ask_materials",
                    entities=[{"entity": "service_item", "value": "结婚证", "confidence_entity": 0.95}])
    events = run(ValidateComplaintForm(), dispatcher, asked)
    assert texts(dispatcher)[0] == "【内地居民结婚登记】申请材料：…"
    assert not left_the_form(events) and slots_set(events)["complaint_place"] is None
    assert not any("格式" in t for t in texts(dispatcher))


def test_something_that_is_not_a_place_is_not_stored_as_the_place(service, dispatcher):
    events = run(ValidateComplaintForm(), dispatcher,
                 in_form("complaint_form", "complaint_place", "你们到底管不管这种事情啊，我都说了好多遍了？",
                         "deny", 0.3))
    assert slots_set(events)["complaint_place"] is None
    assert "地点" in texts(dispatcher)[0]


def test_a_place_is_stored_without_the_words_around_it(service, dispatcher):
    events = run(ValidateComplaintForm(), dispatcher,
                 in_form("complaint_form", "complaint_place", "就在湖滨路12号", "ask_ticket_status", 0.7))
    assert slots_set(events)["complaint_place"] == "湖滨路12号"


def test_no_phone_format_error_before_the_phone_was_asked_for(service, dispatcher):
    asked = in_form("complaint_form", "complaint_text", "小区门口垃圾堆了一周没人清运", "file_complaint",
                    slots={"contact": None})
    run(ValidateComplaintForm(), dispatcher, asked)
    assert not any("格式" in t for t in texts(dispatcher))


def test_a_complaint_names_its_place_and_phone_so_they_are_not_asked_again(service, dispatcher):
    events = run(ValidateComplaintForm(), dispatcher,
                 in_form("complaint_form", "complaint_text", "幸福小区3栋门口的井盖丢了，我电话13907101234",
                         "file_complaint"))
    assert slots_set(events)["complaint_place"] == "幸福小区3栋门口"
    assert slots_set(events)["contact"] == "13907101234"


# ---- pre-check remembers across messages -------------------------------------------------------------


def test_materials_said_over_several_messages_accumulate_for_the_same_item(service, dispatcher):
    slots = {"item_code": "QS-GA-004", "service_item": "户口迁移", "precheck_code": "QS-GA-004",
             "precheck_notes": "身份证有。户口本也在"}
    events = run(ValidatePrecheckForm(), dispatcher,
                 in_form("precheck_form", "materials_text", "房产证还没办下来", "inform_materials", slots=slots))
    assert slots_set(events)["precheck_notes"] == "身份证有。户口本也在。房产证还没办下来没有"
    assert slots_set(events)["materials_text"] == "房产证还没办下来"


def test_notes_of_another_item_are_not_carried_over(service, dispatcher):
    slots = {"item_code": "QS-GA-010", "service_item": "普通护照签发", "precheck_code": "QS-GA-004",
             "precheck_notes": "身份证有"}
    events = run(ValidatePrecheckForm(), dispatcher,
                 in_form("precheck_form", "materials_text", "照片有", "inform_materials", slots=slots))
    assert slots_set(events)["precheck_notes"] == "照片有"


@pytest.mark.parametrize("said", ["户籍证明开不出来", "离婚证丢了", "房产证还没办下来", "结婚证拿不到"])
def test_cannot_get_it_reads_as_not_having_it(said):
    assert wording.materials_said(said).endswith("没有")


def test_having_it_is_left_as_it_is():
    assert wording.materials_said("身份证有，户口本也在") == "身份证有，户口本也在"


def test_cancelling_the_precheck_leaves_it(service, dispatcher):
    events = run(ValidatePrecheckForm(), dispatcher,
                 in_form("precheck_form", "materials_text", "算了不办了", "deny", slots={"item_code": "QS-GA-004"}))
    assert left_the_form(events) and texts(dispatcher) == ["好的，预审已取消。"]


# ---- follow-ups survive noise --------------------------------------------------------------------------


def guide_tracker(text: str, intent: str, entities: List[Dict[str, Any]], slots: Dict[str, Any],
                  sender_id: str = "citizen-3") -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities}
    return Tracker.from_dict({"sender_id": sender_id, "slots": slots, "latest_message": latest, "paused": False,
                              "events": [{"event": "user", "text": text, "parse_data": latest}],
                              "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"})


@pytest.mark.parametrize("noise", ["？", "办", "交", "住院"])
def test_punctuation_or_a_function_word_tagged_as_an_item_does_not_replace_the_item(service, dispatcher, noise):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-GA-010",
                  {"kind": "item", "text": "【普通护照签发】承诺时限：7个工作日"})
    asked = guide_tracker("那要多久能办好？", "ask_time_limit",
                          [{"entity": "service_item", "value": noise, "confidence_entity": 0.9}],
                          {"service_item": "普通护照签发", "item_code": "QS-GA-010"})
    events = ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher)[0] == "【普通护照签发】承诺时限：7个工作日"
    assert service.calls("GET", "/api/catalogue/items/QS-GA-010")[0]["query"] == {"aspect": "time_limit"}
    assert slots_set(events)["item_code"] == "QS-GA-010"


def test_a_low_confidence_item_entity_is_ignored(service, dispatcher):
    assert wording.item_entities([{"entity": "service_item", "value": "合照", "confidence_entity": 0.3},
                                  {"entity": "service_item", "value": "护照", "confidence_entity": 0.95}]) == ["护照"]


def test_a_bundle_time_question_answers_each_items_time_not_the_materials(service, dispatcher):
    bundle = {"kind": "bundle", "bundle": {"name": "新生儿出生一件事", "items": ["QS-A", "QS-B"]},
              "text": "【新生儿出生一件事】申请材料：…"}
    service.reply("GET", "/api/catalogue/items/QS-BUNDLE", bundle)
    service.reply("GET", "/api/catalogue/items/QS-A", {"kind": "item", "text": "【出生登记】承诺时限：即办"})
    service.reply("GET", "/api/catalogue/items/QS-B", {"kind": "item", "text": "【社保卡申领】承诺时限：即办"})
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    asked = guide_tracker("全部办完要多久", "ask_time_limit", [], {"service_item": "新生儿出生一件事",
                                                            "item_code": "QS-BUNDLE"})
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    answer = texts(dispatcher)[0]
    assert "【出生登记】承诺时限：即办" in answer and "【社保卡申领】承诺时限：即办" in answer
    assert "申请材料" not in answer


def test_a_question_naming_two_items_answers_both(service, dispatcher):
    def search(request):
        q = request["query"]["q"]
        found = [PASSPORT] if "护照" in q else [MARRIAGE] if "结婚" in q else []
        return 200, {"decision": "answer" if found else "not_found", "ambiguous": False, "matches": found}

    service.answer("GET", "/api/catalogue/items", search)
    service.reply("GET", "/api/catalogue/items/QS-GA-010", {"kind": "item", "text": "【普通护照签发】材料"})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", {"kind": "item", "text": "【内地居民结婚登记】材料"})
    asked = guide_tracker("办护照和结婚登记要带什么", "ask_materials",
                          [{"entity": "service_item", "value": "护照", "confidence_entity": 0.9},
                           {"entity": "service_item", "value": "结婚登记", "confidence_entity": 0.9}], {})
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher) == ["【普通护照签发】材料", "【内地居民结婚登记】材料"]


def test_after_a_complaint_how_long_is_about_the_order_not_an_item(service, dispatcher):
    service.reply("POST", "/api/citizen/lookup", {"ticket_no": 31, "status": "受理", "status_label": "已受理，等待派单",
                                                  "completion_due": "2026-03-09T09:00:00+08:00", "overdue": False})
    asked = guide_tracker("大概多久会有人来处理", "ask_time_limit", [],
                          {"service_item": "普通护照签发", "item_code": "QS-GA-010", "ticket_code": CODE,
                           "topic": "order"})
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert "工单 31" in texts(dispatcher)[0] and "2026-03-09" in texts(dispatcher)[0]
    assert service.calls("GET", "/api/catalogue/items/QS-GA-010") == []


# ---- letters -------------------------------------------------------------------------------------------

LETTER = ("尊敬的领导您好：我是幸福小区的老住户，今年七十多岁了，家住青山区文化路45号院2号楼。"
          "我们楼的自来水一到早晚就没有水压，四楼以上根本放不出水，已经三个多月了，物业说水泵坏了要等钱。"
          "另外楼道的灯也坏了半年，晚上上下楼梯很危险，老人多，怕摔倒。"
          "我们去社区反映过两次都没有解决，希望政府派人来看看，先把吃水的问题解决。"
          "我家里电话是0710-5512345，白天都有人。谢谢你们！")


def test_a_long_letter_becomes_a_work_order_with_place_and_contact_and_the_whole_text(service, dispatcher):
    latest = {"text": LETTER, "intent": {"name": "nlu_fallback", "confidence": 0.3}, "entities": []}
    letter = Tracker.from_dict({"sender_id": "c-letter", "slots": {}, "latest_message": latest, "paused": False,
                                "events": [{"event": "user", "text": LETTER, "parse_data": latest}],
                                "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"})
    events = ActionFallback().run(dispatcher, letter, DOMAIN)
    slots = slots_set(events)
    assert slots["complaint_text"] == LETTER
    assert slots["complaint_place"] == "青山区文化路45号院2号楼"
    assert slots["contact"] == "07105512345"
    assert "水压" in slots["complaint_title"]
    assert events[-1]["name"] == "complaint_form"
    assert "没太听懂" not in texts(dispatcher)[0] and "工单" in texts(dispatcher)[0]


# ---- the handoff pauses the bot ------------------------------------------------------------------------


def waiting_tracker(text: str, intent: str, handoff_id: Any = 8) -> Tracker:
    return guide_tracker(text, intent, [], {"handoff_id": handoff_id, "with_person": True})


def test_while_the_handoff_is_open_the_bot_only_says_a_person_is_coming(service, dispatcher):
    service.reply("GET", "/api/handoffs/8", {"id": 8, "status": "已接入"})
    events = ActionHandoffWait().run(dispatcher, waiting_tracker("还要等多久啊", "ask_time_limit"), DOMAIN)
    assert texts(dispatcher) == [STILL_WITH_PERSON] and events == []


def test_once_the_handoff_is_closed_the_bot_answers_the_message_again(service, dispatcher):
    service.reply("GET", "/api/handoffs/8", {"id": 8, "status": "已结束"})
    events = ActionHandoffWait().run(dispatcher, waiting_tracker("办护照要带啥", "ask_materials"), DOMAIN)
    assert slots_set(events) == {"handoff_id": None, "with_person": False}
    assert events[-1] == {"event": "followup", "name": "action_answer_item", "timestamp": None}


# ---- 好差评 and the learning loop ------------------------------------------------------------------------


def test_a_catalogue_answer_is_posted_as_a_turn_and_carries_the_rating_handle(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "ambiguous": False, "matches": [PASSPORT]})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", {"kind": "item", "text": "【普通护照签发】"})
    service.reply("POST", "/api/bot/turns", {"id": 17}, status=201)
    asked = guide_tracker("办护照要带啥", "ask_materials",
                          [{"entity": "service_item", "value": "护照", "confidence_entity": 0.99}], {})
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    turn = service.calls("POST", "/api/bot/turns")[0]
    assert turn["token"] == "Bearer demo-bot"
    assert turn["body"]["kind"] == "answer" and turn["body"]["item_code"] == "QS-GA-010"
    assert turn["body"]["conversation_id"] == "citizen-3" and turn["body"]["channel"] == "web"
    rate = dispatcher.messages[1]["custom"]["rate"]
    assert rate == {"turn_id": turn["body"]["turn_id"], "intent": "ask_materials", "item_code": "QS-GA-010"}


def test_in_wechat_the_answer_asks_for_a_numbered_rating(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "ambiguous": False, "matches": [PASSPORT]})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", {"kind": "item", "text": "【普通护照签发】"})
    asked = guide_tracker("办护照要带啥", "ask_materials", [{"entity": "service_item", "value": "护照"}], {},
                          sender_id="wx:oCitizen")
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher)[-1] == WECHAT_RATE_LINE


def rating_tracker(text: str, rateable: bool) -> Tracker:
    data = {"custom": {"rate": {"turn_id": "t-1", "intent": "ask_materials", "item_code": "QS-GA-010"}}}
    events = [{"event": "user", "text": "低保怎么申请"},
              {"event": "bot", "text": "【最低生活保障】…"},
              {"event": "bot", "text": None, "data": data if rateable else {}},
              {"event": "bot", "text": WECHAT_RATE_LINE},
              {"event": "user", "text": text}]
    latest = {"text": text, "intent": {"name": "rate", "confidence": 0.9}, "entities": []}
    return Tracker.from_dict({"sender_id": "wx:oCitizen", "slots": {}, "latest_message": latest, "paused": False,
                              "events": events, "followup_action": None, "active_loop": {},
                              "latest_action_name": "action_listen"})


def test_a_bare_2_after_a_rateable_answer_is_posted_as_unsatisfied_with_the_bot_token(service, dispatcher):
    service.reply("POST", "/api/bot/ratings", {}, status=201)
    ActionRate().run(dispatcher, rating_tracker("2", rateable=True), DOMAIN)
    posted = service.calls("POST", "/api/bot/ratings")[0]
    assert posted["body"] == {"conversation_id": "wx:oCitizen", "turn_id": "t-1", "rating": "unsatisfied"}
    assert posted["token"] == "Bearer demo-bot"
    assert "抱歉" in texts(dispatcher)[0]


def test_a_bare_1_without_a_rateable_answer_before_it_is_not_a_rating(service, dispatcher):
    ActionRate().run(dispatcher, rating_tracker("1", rateable=False), DOMAIN)
    assert service.calls("POST", "/api/bot/ratings") == []


def test_a_fallback_is_posted_for_the_trainer(service, dispatcher, tracker):
    ActionFallback().run(dispatcher, tracker("嗯那个啥", "nlu_fallback"), DOMAIN)
    assert service.calls("POST", "/api/bot/turns")[0]["body"]["kind"] == "fallback"


def test_english_gets_a_hint_that_the_service_is_in_chinese(service, dispatcher, tracker):
    ActionFallback().run(dispatcher, tracker("How do I renew my ID card?", "nlu_fallback"), DOMAIN)
    assert texts(dispatcher) == [ENGLISH_HINT]


# ---- wording rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize("said", ["人民路120号的路灯坏了", "区号0710", "我的手机13907101234", "工单12进度"])
def test_no_order_reference_without_a_query_code(said):
    assert wording.order_reference(said).code is None


def test_a_query_code_with_the_order_number_is_read_with_both():
    assert wording.order_reference(f"单号 57，查询码：{CODE.upper()}") == wording.OrderRef(CODE, 57)


def test_a_follow_up_about_both_items_answers_each(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", {"kind": "item", "text": "【普通护照签发】\n网上办理：否"})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001",
                  {"kind": "item", "text": "【内地居民结婚登记】\n网上办理：预约"})
    asked = guide_tracker("这两个都能网上办吗", "ask_online", [],
                          {"item_code": "QS-MZ-001", "item_codes": ["QS-GA-010", "QS-MZ-001"]})
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher) == ["【普通护照签发】\n网上办理：否", "【内地居民结婚登记】\n网上办理：预约"]


def test_two_aspects_named_in_one_question_are_both_answered_under_one_heading(service, dispatcher):
    service.answer("GET", "/api/catalogue/items/QS-GA-010", lambda r: (200, {
        "kind": "item", "text": f"【普通护照签发】\n{r['query']['aspect']}"}))
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    asked = guide_tracker("那去哪办，要等多久", "ask_place", [],
                          {"item_code": "QS-GA-010", "service_item": "普通护照签发"})
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher)[0] == "【普通护照签发】\ntime_limit\nplace"


@pytest.mark.parametrize("said", ["哎算了，不投了，说不定明天就好了", "不投了", "算了吧，谢谢"])
def test_giving_up_followed_by_a_reason_is_a_cancel(said):
    assert wording.is_cancel(said)


@pytest.mark.parametrize("said", ["就在湖滨路12号", "13907101234", "算了就写湖滨路吧"])
def test_a_place_or_a_phone_is_not_a_cancel(said):
    assert not wording.is_cancel(said)


def test_the_handoff_state_unknown_to_the_service_keeps_the_bot_quiet(service, dispatcher):
    events = ActionHandoffWait().run(dispatcher, waiting_tracker("好的我等", "affirm"), DOMAIN)
    assert texts(dispatcher) == [STILL_WITH_PERSON] and events == []


def test_last_weeks_complaint_in_other_words_is_a_past_order():
    assert wording.asks_after_past_order("上个礼拜反映过楼道灯坏了，现在怎么样了")


def test_cannot_get_it_said_after_the_material_applies_to_it():
    assert wording.materials_said("结婚证嘛，暂时开不出来") == "结婚证嘛暂时开不出来没有"
    assert wording.materials_said("房产证。开不出来") == "房产证。开不出来没有"


def test_cannot_get_it_does_not_spread_to_what_the_citizen_has():
    assert wording.materials_said("身份证有，房产证开不出来") == "身份证有，房产证开不出来没有"


def test_a_precheck_request_naming_its_item_in_passing_starts_with_that_item(service, dispatcher):
    teacher = {"code": "QS-JY-002", "name": "教师资格认定", "kind": "item", "score": 0.9, "matched": "教师资格"}
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.86, "ambiguous": False,
                                                  "matches": [teacher]})
    service.reply("GET", "/api/catalogue/items/QS-JY-002", {"kind": "item", "text": "【教师资格认定】申请材料：…"})
    latest = {"text": "想认定教师资格证，帮我看看材料齐不齐", "intent": {"name": "start_precheck", "confidence": 0.9},
              "entities": []}
    starting = Tracker.from_dict({"sender_id": "c-15", "slots": {}, "latest_message": latest, "paused": False,
                                  "events": [{"event": "user", "text": latest["text"], "parse_data": latest}],
                                  "followup_action": None, "active_loop": {"name": "precheck_form"},
                                  "latest_action_name": "action_listen"})
    events = run(ValidatePrecheckForm(), dispatcher, starting)
    assert slots_set(events) == {"service_item": "教师资格认定", "item_code": "QS-JY-002"}
    assert texts(dispatcher) == ["【教师资格认定】申请材料：…"]


def test_how_do_i_check_it_later_is_about_the_order_just_filed(service, dispatcher, tracker):
    from actions.status import ActionTicketStatus

    service.reply("POST", "/api/citizen/lookup", {"ticket_no": 31, "status": "受理", "status_label": "已受理，等待派单",
                                                  "completion_due": "2026-03-09T09:00:00+08:00", "overdue": False})
    events = ActionTicketStatus().run(dispatcher, tracker("行，单号给我，以后我怎么查", "ask_ticket_status",
                                                          slots={"ticket_code": CODE}), DOMAIN)
    assert "工单 31" in texts(dispatcher)[0] and "complaint_text" not in slots_set(events)


def test_a_follow_up_taken_for_a_status_question_is_answered_about_the_item(service, dispatcher):
    from actions.status import ActionTicketStatus

    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-GA-010",
                  {"kind": "item", "text": "【普通护照签发】\n办理时限：7个工作日"})
    asked = guide_tracker("那要多久能办好", "ask_ticket_status", [],
                          {"service_item": "普通护照签发", "item_code": "QS-GA-010"})
    ActionTicketStatus().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher)[0] == "【普通护照签发】\n办理时限：7个工作日"


RENEW_ID_CARD = {"code": "QS-GA-003", "name": "居民身份证换领、补领", "department": "青山公安分局",
                 "materials": [{"name": "居民户口簿", "required": True},
                               {"name": "数码照片回执", "required": True, "note": "可现场照相"}],
                 "time_limit": {"promised_days": 15, "legal_days": 60, "unit": "工作日"},
                 "fee": "工本费20元（临时身份证另收10元）",
                 "place": {"hall": "户政服务大厅", "window": "身份证窗口", "address": "文化路16号"},
                 "online": {"available": False}, "visits": 1}


def english_catalogue(service) -> None:
    renew = {"code": "QS-GA-003", "name": "居民身份证换领、补领", "kind": "item", "score": 0.9, "matched": "身份证"}
    service.answer("GET", "/api/catalogue/items", lambda r: (200, {
        "decision": "answer", "ambiguous": False, "matches": [renew] if "身份证" in r["query"]["q"] else []}))
    service.reply("GET", "/api/catalogue/items/QS-GA-003", {"kind": "item", "item": RENEW_ID_CARD, "text": "…"})


def test_an_english_question_naming_an_item_gets_the_whole_guide_in_simple_english(service, dispatcher, tracker):
    english_catalogue(service)
    ActionFallback().run(dispatcher, tracker("I lost my ID card, how much does it cost?", "nlu_fallback"), DOMAIN)
    assert service.calls("GET", "/api/catalogue/items")[0]["query"]["q"] == "身份证 补领"
    answer = texts(dispatcher)[0]
    assert answer.startswith("Service: 居民身份证换领、补领")
    assert "household register (hukou booklet) (居民户口簿)" in answer
    assert "within 15 working days" in answer and "Fee: CNY 20, CNY 10" in answer
    assert "Online: no, you must apply in person." in answer
    assert "this service is in Chinese" in answer


def test_an_english_follow_up_answers_only_the_aspects_asked_about_the_item_under_discussion(
        service, dispatcher, tracker):
    english_catalogue(service)
    asked = tracker("Can I do it online?", "nlu_fallback",
                    slots={"item_code": "QS-GA-003", "service_item": "居民身份证换领、补领"})
    ActionFallback().run(dispatcher, asked, DOMAIN)
    answer = texts(dispatcher)[0]
    assert "Online: no, you must apply in person." in answer and "Documents to bring" not in answer


def test_a_follow_up_after_unchosen_options_is_answered_about_the_likeliest_saying_so(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-GA-010",
                  {"kind": "item", "text": "【普通护照签发】\n收费标准：120元"})
    asked = guide_tracker("那要多少钱啊", "ask_fee", [],
                          {"service_item": "普通护照签发", "item_code": "QS-GA-010", "topic": "guess"})
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert "先按“普通护照签发”回答" in texts(dispatcher)[0]
    assert texts(dispatcher)[1] == "【普通护照签发】\n收费标准：120元"


def test_the_action_server_registers_every_action_of_the_package():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert {"validate_complaint_form", "validate_precheck_form", "action_handoff_wait", "action_rate",
            "action_out_of_scope"} <= set(executor.actions)


def test_a_message_the_nlu_missed_is_answered_when_the_catalogue_search_is_sure(service, dispatcher, tracker):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.9, "ambiguous": False,
                                                  "matches": [PASSPORT]})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", {"kind": "item", "text": "【普通护照签发】"})
    events = ActionFallback().run(dispatcher, tracker("出国要办的那个本本怎么弄", "nlu_fallback"), DOMAIN)
    assert texts(dispatcher)[0] == "【普通护照签发】" and slots_set(events)["item_code"] == "QS-GA-010"


def test_materials_news_after_a_precheck_is_added_to_it_whatever_the_nlu_said(service, dispatcher):
    from actions.guide import ActionOutOfScope

    service.reply("POST", "/api/catalogue/precheck", {"text": "【预审结果：教师资格认定】…", "missing": []})
    service.reply("GET", "/api/catalogue/items/QS-JY-002", {"kind": "item", "item": {"materials": [
        {"name": "普通话水平测试等级证书", "aliases": ["普通话证"]}]}})
    asked = guide_tracker("普通话证我还没考", "out_of_scope", [],
                          {"item_code": "QS-JY-002", "precheck_code": "QS-JY-002", "precheck_notes": "身份证有"})
    events = ActionOutOfScope().run(dispatcher, asked, DOMAIN)
    assert service.calls("POST", "/api/catalogue/precheck")[0]["body"]["text"] == "身份证有。普通话证我还没考没有"
    assert slots_set(events)["precheck_notes"] == "身份证有。普通话证我还没考没有"


def test_a_handoff_guessed_without_the_words_asks_first(service, dispatcher):
    from actions.handoff import ActionHandoff

    latest = {"text": "你们直接派人去查就行", "intent": {"name": "request_human", "confidence": 0.7}, "entities": []}
    guessed = Tracker.from_dict({"sender_id": "c-h", "slots": {}, "latest_message": latest, "paused": False,
                                 "events": [{"event": "user", "text": latest["text"], "parse_data": latest}],
                                 "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"})
    assert ActionHandoff().run(dispatcher, guessed, DOMAIN) == []
    assert "转人工" in texts(dispatcher)[0] and service.calls("POST", "/api/handoffs") == []


def test_a_how_to_question_taken_for_a_complaint_is_answered_not_filed(service, dispatcher, tracker):
    from actions.complaint import ActionStartComplaint

    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.8, "ambiguous": False,
                                                  "matches": [MARRIAGE]})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", {"kind": "item", "text": "【内地居民结婚登记】"})
    events = ActionStartComplaint().run(dispatcher, tracker("结婚要办什么手续", "file_complaint"), DOMAIN)
    assert texts(dispatcher)[0] == "【内地居民结婚登记】" and "complaint_text" not in slots_set(events)


def test_naming_another_item_at_the_materials_step_switches_the_precheck_to_it(service, dispatcher):
    move = {"code": "QS-GA-004", "name": "户口迁移（投靠、购房落户）", "kind": "item", "score": 0.9,
            "matched": "户口迁移"}
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "ambiguous": False, "matches": [move]})
    service.reply("GET", "/api/catalogue/items/QS-GA-004", {"kind": "item", "text": "【户口迁移】申请材料：…"})
    asked = in_form("precheck_form", "materials_text", "户口迁移", "inform_item",
                    slots={"service_item": "出生登记", "item_code": "QS-GA-001"},
                    entities=[{"entity": "service_item", "value": "户口迁移", "confidence_entity": 0.95}])
    events = run(ValidatePrecheckForm(), dispatcher, asked)
    assert slots_set(events)["item_code"] == "QS-GA-004" and slots_set(events)["materials_text"] is None


def test_an_item_the_search_clearly_leads_with_switches_the_precheck_though_it_hesitates(service, dispatcher):
    move = {"code": "QS-GA-004", "name": "户口迁移（投靠、购房落户）", "kind": "item", "score": 0.34,
            "matched": "户口迁移"}
    birth = {"code": "QS-GA-001", "name": "出生登记", "kind": "item", "score": 0.011, "matched": "户口"}
    service.reply("GET", "/api/catalogue/items", {"decision": "clarify", "confidence": 0.34, "ambiguous": True,
                                                  "matches": [move, birth]})
    service.reply("GET", "/api/catalogue/items/QS-GA-004", {"kind": "item", "text": "【户口迁移】申请材料：…"})
    asked = in_form("precheck_form", "materials_text", "户口迁移", "inform_item",
                    slots={"service_item": "出生登记", "item_code": "QS-GA-001"},
                    entities=[{"entity": "service_item", "value": "户口迁移", "confidence_entity": 0.95}])
    events = run(ValidatePrecheckForm(), dispatcher, asked)
    assert slots_set(events)["item_code"] == "QS-GA-004"


def test_materials_news_with_a_stray_item_word_keeps_the_item_being_checked(service, dispatcher):
    latest = {"text": "租的房子房东不给备案", "intent": {"name": "inform_materials", "confidence": 0.8},
              "entities": [{"entity": "service_item", "value": "房子", "confidence_entity": 0.7}]}
    slots = {"service_item": "居住证申领", "item_code": "QS-GA-005", "precheck_code": "QS-GA-005",
             "precheck_notes": "身份证有"}
    starting = Tracker.from_dict({"sender_id": "c-4", "slots": slots, "latest_message": latest, "paused": False,
                                  "events": [{"event": "user", "text": latest["text"], "parse_data": latest}],
                                  "followup_action": None, "active_loop": {"name": "precheck_form"},
                                  "latest_action_name": "action_listen"})
    events = run(ValidatePrecheckForm(), dispatcher, starting)
    assert "item_code" not in slots_set(events)
    assert slots_set(events)["precheck_notes"] == "身份证有。租的房子房东不给备案没有"  # 不给 is not having it
    assert service.calls("GET", "/api/catalogue/items") == []
