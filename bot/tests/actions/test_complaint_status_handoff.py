"""Issue 15, third round, the complaint / status / handoff side, one behaviour each: a service question,
an address or a remark at the phone step is not a malformed phone; 催办 without the order's code; what
转人工 says about when a person comes and what the citizen can do meanwhile; letters read back faithfully.

Run with rasa-sdk's CollectingDispatcher against the stand-in service (conftest.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from test_conversation_repairs import DOMAIN, guide_tracker, in_form, left_the_form, slots_set, texts

from actions import handoff as handoff_module
from actions.complaint import (
    ActionStartComplaint,
    ActionSubmitComplaint,
    ValidateComplaintForm,
    letter_events,
    place_named,
    place_phrase,
)
from actions.handoff import CHINA, ActionHandoff, ActionHandoffWait, next_opening
from actions.letters import read_letter
from actions.precheck import ValidatePrecheckForm
from actions.status import ActionTicketStatus

WASTE = {"code": "QS-CG-003", "name": "城市建筑垃圾处置核准", "kind": "item", "score": 0.9, "matched": "建筑垃圾"}
HOUSING = {"code": "QS-ZJ-004", "name": "公共租赁住房申请", "kind": "item", "score": 0.9, "matched": "公租房"}
ELDERLY = {"code": "QS-MZ-020", "name": "高龄津贴申领", "kind": "item", "score": 0.9, "matched": "老人补贴"}
SATURDAY_MORNING = datetime(2026, 11, 28, 8, 30, tzinfo=CHINA)
TUESDAY_AFTERNOON = datetime(2026, 12, 1, 14, 0, tzinfo=CHINA)
NOISE = "人民路120号旁边那个工地 天天晚上11点多还在施工 吵得睡不着"


def at_the_phone_step(text: str, intent: str = "inform_item", confidence: float = 0.5,
                      slots: Optional[Dict[str, Any]] = None) -> Tracker:
    told = {"complaint_text": NOISE, "complaint_place": "人民路120号", **(slots or {})}
    return in_form("complaint_form", "contact", text, intent, confidence, slots=told)


def validate(dispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    return asyncio.run(ValidateComplaintForm().run(dispatcher, tracker, DOMAIN))


def conversation(*turns: str, intent: str = "inform_item", confidence: float = 0.9,
                 slots: Optional[Dict[str, Any]] = None, sender_id: str = "citizen-7") -> Tracker:
    """A tracker whose events alternate citizen / bot turns (odd count: the citizen speaks last)."""
    events = [{"event": "user" if i % 2 == 0 else "bot", "text": turn} for i, turn in enumerate(turns)]
    latest = {"text": turns[-1], "intent": {"name": intent, "confidence": confidence}, "entities": []}
    events[-1]["parse_data"] = latest
    return Tracker.from_dict({"sender_id": sender_id, "slots": slots or {}, "latest_message": latest,
                              "events": events, "paused": False, "followup_action": None, "active_loop": {},
                              "latest_action_name": "action_listen"})


def catalogue_knows(service, item: Dict[str, Any], text: str) -> None:
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.8, "ambiguous": False,
                                                  "matches": [item]})
    service.reply("GET", f"/api/catalogue/items/{item['code']}", {"kind": "item", "text": text})


# ---- the phone step: only an attempt at a number is a malformed phone ---------------------------------


def test_a_service_question_at_the_phone_step_is_answered_and_the_form_asks_for_the_phone_again(service, dispatcher):
    catalogue_knows(service, WASTE, "【城市建筑垃圾处置核准】申请材料：…")
    events = validate(dispatcher, at_the_phone_step("对了 我家也准备装修 装修垃圾要办什么手续吗", "file_complaint"))
    said = texts(dispatcher)
    assert said[0] == "【城市建筑垃圾处置核准】申请材料：…" and said[-1] == "我们接着刚才的事："
    assert slots_set(events)["contact"] is None and not left_the_form(events)
    assert not any("格式" in t for t in said)


def test_a_question_the_catalogue_does_not_know_at_the_phone_step_gets_a_way_forward_not_a_format_error(
        service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    events = validate(dispatcher, at_the_phone_step("这附近哪里有公共停车场？"))
    assert "12345" in texts(dispatcher)[0] and not any("格式" in t for t in texts(dispatcher))
    assert slots_set(events)["contact"] is None


def test_an_address_at_the_phone_step_corrects_the_place_and_adds_what_else_it_says(service, dispatcher):
    said = "就是人民路120号边上那个有围挡的工地 主要是打桩和搅拌机的声音"
    events = validate(dispatcher, at_the_phone_step(said))
    slots = slots_set(events)
    assert slots["complaint_place"] == "人民路120号边上那个有围挡的工地" and slots["contact"] is None
    assert slots["complaint_text"] == f"{NOISE}。{said}"
    assert not any("格式" in t for t in texts(dispatcher))


def test_a_remark_at_the_phone_step_is_added_to_the_complaint(service, dispatcher):
    events = validate(dispatcher, at_the_phone_step("主要是打桩机的声音特别大，整栋楼都在震"))
    assert slots_set(events)["complaint_text"].endswith("主要是打桩机的声音特别大，整栋楼都在震")
    assert texts(dispatcher) == ["好的，已补充到您反映的内容里。"]


@pytest.mark.parametrize("said", ["1390710123", "电话是0710-55123", "138 0710 12"])
def test_an_attempt_at_a_number_that_is_not_one_is_a_malformed_phone(service, dispatcher, said):
    events = validate(dispatcher, at_the_phone_step(said))
    assert slots_set(events)["contact"] is None and "格式" in texts(dispatcher)[0]


def test_asking_whether_the_phone_is_needed_is_told_it_may_be_left_out(service, dispatcher):
    events = validate(dispatcher, at_the_phone_step("还要留电话啊？"))
    assert "不留也可以" in texts(dispatcher)[0] and slots_set(events)["contact"] is None
    assert service.calls("GET", "/api/catalogue/items") == []


@pytest.mark.parametrize("said", ["电话就不留了 我不想被找上门", "怕被报复，直接登记吧",
                                  "no phone number please, just report it"])
def test_a_refusal_in_other_words_is_a_refusal(service, dispatcher, said):
    events = validate(dispatcher, at_the_phone_step(said))
    assert slots_set(events)["contact"] == "不留"


def test_a_place_answer_keeps_the_building_and_unit_and_the_rest_goes_to_the_complaint(service, dispatcher):
    said = "幸福家园小区6栋2单元301，楼上是401，卫生间那块一直往下滴水"
    asked = in_form("complaint_form", "complaint_place", said, slots={"complaint_text": "楼上漏水 物业也不管"})
    events = validate(dispatcher, asked)
    assert slots_set(events)["complaint_place"] == "幸福家园小区6栋2单元301 楼上是401"
    assert slots_set(events)["complaint_text"] == f"楼上漏水 物业也不管。{said}"


def test_the_filed_order_is_read_back_with_place_problem_and_phone(service, dispatcher):
    service.reply("POST", "/api/tickets", {"id": 41, "feedback_code": "3f9a0c1d2b4e5f60"}, status=201)
    filed = guide_tracker("13607105566", "inform_item", [], {
        "complaint_text": "楼上卫生间漏水，我家天花板都泡了，物业也不管", "complaint_place": "幸福家园小区6栋2单元301",
        "contact": "13607105566", "complaint_kind": "投诉"})
    ActionSubmitComplaint().run(dispatcher, filed, DOMAIN)
    said = texts(dispatcher)[0]
    assert "编号 41" in said and "查询码 3f9a0c1d2b4e5f60" in said
    assert ("地点：幸福家园小区6栋2单元301；问题：楼上卫生间漏水，我家天花板都泡了，物业也不管；"
            "联系电话：13607105566") in said


# ---- letters ----------------------------------------------------------------------------------------------

LETTER = ("小同志你好，我是女儿帮我弄的这个微信，有错别字你别见怪。我住在青山区滨江路和建设路交叉口那边。"
          "公交站旁边的人行道砖翘起来好几块，有一块缺了个角，还有一个下水道井盖是松的，人踩上去还会晃。"
          "上个礼拜我们楼的老王就在那绊了一跤，手腕骨折了。麻烦你们让管路的部门来修一修。"
          "我自己没手机，有事打我女儿电话13886071234，她姓刘。还有个事想顺便问问，听说政府有老人补贴，"
          "是要我自己去哪里申请吗？要带什么？谢谢你们。")


def test_a_letter_is_read_back_by_its_problem_clauses_whole_without_greetings_or_requests():
    letter = read_letter(LETTER)
    assert letter.problem.startswith("公交站旁边的人行道砖翘起来好几块，有一块缺了个角，还有一个下水道井盖是松的")
    assert "绊了一跤，手腕骨折了" in letter.problem
    assert "小同志" not in letter.problem and "麻烦" not in letter.problem and "补贴" not in letter.problem
    assert letter.place == "青山区滨江路和建设路交叉口" and letter.text == LETTER


def test_a_letter_giving_a_relatives_phone_says_whose_it_is():
    letter = read_letter(LETTER)
    assert letter.contact == "13886071234" and letter.contact_person == "女儿刘女士"


def test_a_letters_place_keeps_the_estate_and_building_after_the_street_number():
    letter = "我是纺织路27号老纺织厂宿舍3栋的住户。" + "楼道堆满了杂物，过道只剩一个人侧身能过。" * 5
    assert read_letter(letter).place == "纺织路27号老纺织厂宿舍3栋"


def test_a_question_asked_in_passing_in_a_letter_is_answered_and_the_order_still_filed(service, dispatcher):
    catalogue_knows(service, ELDERLY, "【高龄津贴申领】…")
    latest = {"text": LETTER, "intent": {"name": "file_complaint", "confidence": 0.9}, "entities": []}
    tracker = Tracker.from_dict({"sender_id": "wx:c-letter", "slots": {}, "latest_message": latest, "paused": False,
                                 "events": [{"event": "user", "text": LETTER, "parse_data": latest}],
                                 "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"})
    events = letter_events(dispatcher, tracker)
    assert "【高龄津贴申领】…" in texts(dispatcher)
    assert "补贴" in service.calls("GET", "/api/catalogue/items")[0]["query"]["q"]
    assert slots_set(events)["contact"] == "13886071234（女儿刘女士）"
    assert events[-1] == {"event": "followup", "name": "complaint_form", "timestamp": None}


# ---- 催办 and the 查询码 --------------------------------------------------------------------------------------


def test_an_order_number_without_the_code_is_a_status_question_asking_for_the_code_not_a_complaint(
        service, dispatcher):
    asked = guide_tracker("单号25 都一个礼拜了还没人来处理", "file_complaint", [], {})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert "complaint_text" not in slots_set(events)
    assert "工单编号 25" in texts(dispatcher)[0] and "查询码" in texts(dispatcher)[0]


def test_without_the_code_the_citizen_is_told_what_to_do_with_the_number_they_gave(service, dispatcher):
    asked = conversation("单号25 都一个礼拜了还没人来处理",
                         "收到，工单编号 25。请再发一下查询码；找不到的话告诉我，我告诉您别的办法。",
                         "查询码？没收到啊 找不到了", intent="ask_ticket_status")
    ActionTicketStatus().run(dispatcher, asked, DOMAIN)
    said = texts(dispatcher)[0]
    assert "转人工" in said and "0710-12345" in said and "工单编号 25" in said


def test_urging_an_order_named_only_by_its_number_registers_the_urge_with_a_person(service, dispatcher):
    service.reply("POST", "/api/handoffs", {"id": 12, "status": "待接入"}, status=201)
    asked = conversation("单号25 都一个礼拜了还没人来处理", "请再发一下查询码", "找不到了", "没有查询码…",
                         "那你帮我催一下总行吧", intent="request_human", confidence=0.5)
    events = ActionTicketStatus().run(dispatcher, asked, DOMAIN)
    assert "已把您的催办请求（工单 25）转给人工客服登记" in texts(dispatcher)[0]
    assert service.calls("POST", "/api/handoffs")[0]["body"]["transcript"][-1]["text"] == "那你帮我催一下总行吧"
    assert slots_set(events) == {"handoff_id": 12, "with_person": True}


def test_urging_with_nothing_to_name_the_order_asks_for_it_once_in_plain_words(service, dispatcher):
    ActionTicketStatus().run(dispatcher, conversation("能不能快点 帮我催一下", intent="ask_ticket_status"), DOMAIN)
    assert "哪张工单" in texts(dispatcher)[0] and service.calls("POST", "/api/handoffs") == []


def test_urging_again_after_being_asked_for_the_code_registers_the_urge(service, dispatcher):
    service.reply("POST", "/api/handoffs", {"id": 13, "status": "待接入"}, status=201)
    asked = conversation("帮我催一下",
                         "催办要先确认是哪张工单：请发一下查询码或工单编号；找不到的话告诉我，我告诉您别的办法。",
                         "我就是要催一下", intent="ask_ticket_status")
    ActionTicketStatus().run(dispatcher, asked, DOMAIN)
    assert "已把您的催办请求转给人工客服登记" in texts(dispatcher)[0]


def test_the_query_code_alone_finds_the_order(service, dispatcher):
    service.reply("POST", "/api/citizen/lookup",
                  {"ticket_no": 25, "status": "办理", "status_label": "承办部门正在办理"})
    ActionTicketStatus().run(dispatcher, conversation("查询码3f9a0c1d2b4e5f60", intent="ask_ticket_status"), DOMAIN)
    assert texts(dispatcher)[0].startswith("工单 25：承办部门正在办理")
    assert "ticket_no" not in service.calls("POST", "/api/citizen/lookup")[0]["body"]


# ---- 转人工: when a person comes, and what the citizen can do meanwhile -------------------------------------


@pytest.fixture
def saturday_morning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handoff_module, "clock", lambda: SATURDAY_MORNING)


@pytest.fixture
def tuesday_afternoon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handoff_module, "clock", lambda: TUESDAY_AFTERNOON)


def test_outside_working_hours_the_handoff_says_nobody_is_in_until_monday_and_offers_a_message_or_the_bot(
        service, dispatcher, saturday_morning):
    service.reply("POST", "/api/handoffs", {"id": 8, "status": "待接入"}, status=201)
    ActionHandoff().run(dispatcher, conversation("人工", intent="request_human"), DOMAIN)
    said = texts(dispatcher)[0]
    assert "不是人工客服的工作时间" in said and "周一 9:00" in said
    assert "留言" in said and "继续问我" in said and "0710-12345" in said


def test_in_working_hours_the_handoff_says_the_citizen_is_queued_and_a_person_will_reply_here(
        service, dispatcher, tuesday_afternoon):
    service.reply("POST", "/api/handoffs", {"id": 8, "status": "待接入"}, status=201)
    ActionHandoff().run(dispatcher, conversation("转人工", intent="request_human"), DOMAIN)
    assert "正在排队" in texts(dispatcher)[0] and "在这里直接回复您" in texts(dispatcher)[0]


def test_the_next_opening_is_named_in_words():
    assert next_opening(SATURDAY_MORNING) == "周一 9:00"
    assert next_opening(datetime(2026, 11, 30, 7, 0, tzinfo=CHINA)) == "今天 9:00"
    assert next_opening(datetime(2026, 12, 1, 18, 0, tzinfo=CHINA)) == "明天（周三） 9:00"


def waiting(*turns: str, intent: str = "inform_item", confidence: float = 0.9) -> Tracker:
    return conversation(*turns, intent=intent, confidence=confidence, slots={"handoff_id": 8, "with_person": True})


def test_asking_about_the_wait_says_where_it_stands_and_the_ways_not_to_wait(service, dispatcher, saturday_morning):
    service.reply("GET", "/api/handoffs/8", {"id": 8, "status": "待接入"})
    asked = waiting("人工", "现在不是人工客服的工作时间…工作人员接入。", "到底还要等多久", intent="ask_time_limit")
    events = ActionHandoffWait().run(dispatcher, asked, DOMAIN)
    said = texts(dispatcher)[0]
    assert "周一 9:00" in said and "12345" in said and events == []
    assert len(said) < 100  # told in full when handed over: now the short version


def test_a_service_question_while_waiting_is_answered_by_the_bot(service, dispatcher, saturday_morning):
    service.reply("GET", "/api/handoffs/8", {"id": 8, "status": "待接入"})
    catalogue_knows(service, HOUSING, "【公共租赁住房申请】办理条件：本区户籍或持居住证满一年…")
    events = ActionHandoffWait().run(dispatcher, waiting("人工", "…", "算了 你先告诉我公租房怎么申请 我是外地户口",
                                                         intent="ask_conditions"), DOMAIN)
    assert texts(dispatcher)[:2] == ["人工客服接入之前，我先回答您：",
                                     "【公共租赁住房申请】办理条件：本区户籍或持居住证满一年…"]
    assert events[-1] == {"event": "followup", "name": "action_listen", "timestamp": None}
    assert "with_person" not in slots_set(events)


def test_a_complaint_given_up_for_the_handoff_is_taken_up_again_with_what_was_said(service, dispatcher,
                                                                                 saturday_morning):
    service.reply("GET", "/api/handoffs/8", {"id": 8, "status": "待接入"})
    first = {"event": "user", "text": "楼上漏水 我家天花板都泡了 物业也不管"}
    tracker = waiting("人工太慢了 算了你先帮我登记吧", intent="request_human", confidence=0.6)
    tracker.events[:0] = [first, {"event": "slot", "name": "complaint_text", "value": first["text"]},
                          {"event": "slot", "name": "complaint_text", "value": None}]
    events = ActionHandoffWait().run(dispatcher, tracker, DOMAIN)
    assert slots_set(events)["complaint_text"] == "楼上漏水 我家天花板都泡了 物业也不管"
    assert events[-1] == {"event": "followup", "name": "complaint_form", "timestamp": None}


def test_anything_else_said_while_waiting_is_kept_as_a_message_for_the_person(service, dispatcher, saturday_morning):
    service.reply("GET", "/api/handoffs/8", {"id": 8, "status": "待接入"})
    service.reply("POST", "/api/handoffs", {"id": 8, "status": "待接入"}, status=201)
    ActionHandoffWait().run(dispatcher, waiting("人工", "…", "我的社保卡被别人冒用了，麻烦尽快联系我13907101234",
                                                intent="inform_item", confidence=0.4), DOMAIN)
    kept = service.calls("POST", "/api/handoffs")[0]["body"]["transcript"]
    assert kept[-1]["text"] == "我的社保卡被别人冒用了，麻烦尽快联系我13907101234"
    assert "留言" in texts(dispatcher)[0]


def test_once_a_person_has_taken_the_conversation_the_bot_stays_quiet(service, dispatcher):
    service.reply("GET", "/api/handoffs/8", {"id": 8, "status": "已接入"})
    events = ActionHandoffWait().run(dispatcher, waiting("人工", "…", "办护照要带啥", intent="ask_materials"), DOMAIN)
    assert events == [] and "工作人员" in texts(dispatcher)[0]


def test_asking_whether_the_order_was_filed_is_told_it_was_with_its_number_and_progress(service, dispatcher):
    service.reply("POST", "/api/citizen/lookup",
                  {"ticket_no": 41, "status": "受理", "status_label": "已受理，等待派单"})
    asked = conversation("小同志 登记上了吗", intent="ask_ticket_status",
                         slots={"ticket_code": "3f9a0c1d2b4e5f60", "ticket_no": "41", "topic": "order"})
    ActionTicketStatus().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher)[:2] == ["登记上了，工单编号 41。", "工单 41：已受理，等待派单。"]


@pytest.mark.parametrize("said", ["还在吗？怎么没人回我", "怎么还没人 我等了好久了"])
def test_asking_whether_anyone_is_there_while_waiting_is_about_the_wait(service, dispatcher, said, saturday_morning):
    service.reply("GET", "/api/handoffs/8", {"id": 8, "status": "待接入"})
    ActionHandoffWait().run(dispatcher, waiting("人工", "…", said, intent="greet", confidence=0.5), DOMAIN)
    assert "9:00" in texts(dispatcher)[0]


@pytest.mark.parametrize(("said", "place"), [
    ("村口那个路灯坏了半个月了 晚上黑乎乎的", None),
    ("小区在城东大道56号", "城东大道56号"),
    ("在青山区东湖村村委会门口 路边第三根杆子", "青山区东湖村村委会门口 路边第三根杆子"),
    ("光明路菜场门口天天有人摆摊 人行道都占满了", "光明路菜场门口"),
    ("就在青山区建设路128号对面那个工地，我住128号3栋1单元602", "青山区建设路128号对面那个工地"),
])
def test_the_place_is_what_locates_the_problem_not_a_street_word_or_the_problem_itself(said, place):
    found = place_named(said)
    assert (found and place_phrase(said, found)) == place


def test_a_question_at_the_phone_step_whose_search_hesitates_but_clearly_leads_is_answered(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "clarify", "confidence": 0.34, "ambiguous": True,
                                                  "matches": [{**WASTE, "score": 0.69}, {**ELDERLY, "score": 0.0001}]})
    service.reply("GET", "/api/catalogue/items/QS-CG-003", {"kind": "item", "text": "【城市建筑垃圾处置核准】…"})
    events = validate(dispatcher, at_the_phone_step("对了 我家也准备装修 装修垃圾要办什么手续吗", "ask_materials", 0.9))
    assert texts(dispatcher)[:2] == ["【城市建筑垃圾处置核准】…", "我们接着刚才的事："]
    assert slots_set(events)["item_code"] == "QS-CG-003" and not left_the_form(events)


def test_a_letter_order_is_read_back_by_pointing_at_the_summary_just_shown(service, dispatcher):
    service.reply("POST", "/api/tickets", {"id": 42, "feedback_code": "3f9a0c1d2b4e5f60"}, status=201)
    filed = guide_tracker("…", "file_complaint", [], {
        "complaint_text": LETTER, "complaint_place": "青山区滨江路和建设路交叉口",
        "contact": "13886071234（女儿刘女士）",
        "complaint_title": "青山区滨江路和建设路交叉口：公交站旁边的人行道砖翘起来好几块", "complaint_kind": "投诉"})
    ActionSubmitComplaint().run(dispatcher, filed, DOMAIN)
    assert "登记内容就是上面为您整理的地点和问题，联系电话：13886071234（女儿刘女士）" in texts(dispatcher)[0]
    assert service.calls("POST", "/api/tickets")[0]["body"]["text"] == LETTER


def test_an_aspect_question_about_the_item_just_answered_is_answered_not_filed(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-YB-003",
                  {"kind": "item", "text": "【异地就医备案】网上办理：全程网办"})
    asked = guide_tracker("要她回青山跑一趟吗", "file_complaint", [],
                          {"item_code": "QS-YB-003", "service_item": "异地就医备案", "topic": "item"})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher)[0] == "【异地就医备案】网上办理：全程网办"
    assert "complaint_text" not in slots_set(events)


def test_unsatisfied_and_a_person_asked_for_inside_a_form_rates_the_answer_then_hands_over(service, dispatcher):
    service.reply("POST", "/api/bot/ratings", {}, status=201)
    service.reply("POST", "/api/handoffs", {"id": 8, "status": "待接入"}, status=201)
    latest = {"text": "不满意，给我转个人工吧", "intent": {"name": "request_human", "confidence": 0.9}, "entities": []}
    asked = Tracker.from_dict({
        "sender_id": "c-rate-person", "slots": {"requested_slot": "materials_text"}, "latest_message": latest,
        "paused": False, "followup_action": None, "active_loop": {"name": "precheck_form"},
        "latest_action_name": "action_listen",
        "events": [{"event": "bot", "text": "【不动产登记资料查询】…",
                    "data": {"custom": {"rate": {"turn_id": "t-7"}}}},
                   {"event": "bot", "text": "请告诉我您现在手上有哪些材料"},
                   {"event": "user", "text": latest["text"], "parse_data": latest}]})
    events = asyncio.run(ValidatePrecheckForm().run(dispatcher, asked, DOMAIN))
    assert service.calls("POST", "/api/bot/ratings")[0]["body"]["rating"] == "unsatisfied"
    assert texts(dispatcher)[0] == "抱歉没能帮到您，已记下您的评价。" and slots_set(events)["with_person"] is True


def test_a_short_question_right_after_an_items_answer_is_a_follow_up_not_a_complaint(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-CL-001", {"kind": "item", "text": "【残疾人证办理】办理条件：…"})
    asked = guide_tracker("医院那个鉴定要先做吗", "file_complaint", [],
                          {"item_code": "QS-CL-001", "service_item": "残疾人证办理", "topic": "item"})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert "complaint_text" not in slots_set(events) and texts(dispatcher)[0].startswith("【残疾人证办理】")


def test_asking_whether_it_will_fail_is_a_follow_up_about_the_item_not_a_complaint(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-GA-001", {"kind": "item", "text": "【出生登记】结婚证【可告知承诺】"})
    asked = guide_tracker("我们还没领结婚证 上户口会不会办不了", "file_complaint", [],
                          {"item_code": "QS-GA-001", "service_item": "出生登记", "topic": "item"})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert "complaint_text" not in slots_set(events)


def test_a_letter_that_asks_to_urge_things_along_is_still_read_as_a_letter(service, dispatcher):
    letter = "我们楼的水压小、楼道灯坏了半年，去社区反映过两次都没解决，" * 5 + "请你们帮忙催一催。"
    events = ActionTicketStatus().run(dispatcher, conversation(letter, intent="file_complaint"), DOMAIN)
    assert texts(dispatcher)[0].startswith("您的来信我已收到") and slots_set(events)["complaint_text"] == letter


def test_a_remark_right_after_filing_taken_for_a_handoff_is_answered_about_the_order(service, dispatcher):
    latest = {"text": "说了不留！你们直接派人去查就行", "intent": {"name": "request_human", "confidence": 0.7},
              "entities": []}
    asked = Tracker.from_dict({
        "sender_id": "c-filed", "slots": {"ticket_code": "3f9a0c1d2b4e5f60"}, "latest_message": latest,
        "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
        "events": [{"event": "bot", "text": "已为您登记投诉工单，编号 17", "data": {"custom": {"ticket": {"id": 17}}}},
                   {"event": "user", "text": latest["text"], "parse_data": latest}]})
    events = ActionHandoff().run(dispatcher, asked, DOMAIN)
    assert "工单已经登记" in texts(dispatcher)[0] and events == []
    assert service.calls("POST", "/api/handoffs") == []


def test_asking_how_long_the_complaint_takes_at_the_phone_step_is_told_how_it_is_handled(service, dispatcher):
    events = validate(dispatcher, at_the_phone_step("你们一般多久能处理？", "ask_time_limit", 0.8))
    assert "办结时限" in texts(dispatcher)[0] and slots_set(events)["contact"] is None
    assert service.calls("GET", "/api/catalogue/items") == []


def test_refusing_the_phone_at_the_place_step_is_a_refusal_not_a_place(service, dispatcher):
    asked = in_form("complaint_form", "complaint_place", "我的电话不想给你们", slots={"complaint_text": "隔壁饭店油烟"})
    events = validate(dispatcher, asked)
    assert slots_set(events)["contact"] == "不留" and slots_set(events)["complaint_place"] is None


def test_a_service_question_when_the_problem_was_asked_for_is_answered_and_the_problem_asked_again(
        service, dispatcher):
    catalogue_knows(service, WASTE, "【城市建筑垃圾处置核准】办理时限：承诺3个工作日")
    asked = in_form("complaint_form", "complaint_text", "先问一下，装修垃圾清运要办什么手续？", "ask_materials", 0.9)
    events = validate(dispatcher, asked)
    assert texts(dispatcher)[:2] == ["【城市建筑垃圾处置核准】办理时限：承诺3个工作日", "我们接着刚才的事："]
    assert slots_set(events)["complaint_text"] is None and not left_the_form(events)


def test_a_problem_worded_as_a_question_is_still_the_problem(service, dispatcher):
    asked = in_form("complaint_form", "complaint_text", "为什么小区门口的路灯坏了一个月都没人修？",
                    "file_complaint", 0.9)
    events = validate(dispatcher, asked)
    assert slots_set(events)["complaint_text"] == "为什么小区门口的路灯坏了一个月都没人修？"
    assert service.calls("GET", "/api/catalogue/items") == []


def test_a_service_question_inside_the_complaint_is_answered_for_the_parts_it_asks(service, dispatcher):
    passport = {"code": "QS-GA-010", "name": "普通护照签发", "kind": "item", "score": 0.92, "matched": "护照"}
    catalogue_knows(service, passport, "【普通护照签发】办理时限：承诺7个工作日")
    validate(dispatcher, in_form("complaint_form", "complaint_text", "先问一下，办护照要多久？", "ask_time_limit"))
    assert [c["query"]["aspect"] for c in service.calls("GET", "/api/catalogue/items/QS-GA-010")] == ["time_limit"]


# ---- a service wish that names a place ------------------------------------------------------------------------


def test_a_service_wish_naming_a_place_is_answered_when_the_catalogue_is_sure_of_the_item(service, dispatcher):
    licence = {"code": "QS-SC-001", "name": "个体工商户设立登记", "score": 0.8}
    service.reply("GET", "/api/catalogue/items",
                  {"decision": "answer", "ambiguous": False, "confidence": 0.7, "matches": [licence]})
    service.reply("GET", "/api/catalogue/items/QS-SC-001",
                  {"kind": "item", "text": "【个体工商户设立登记】申请材料：…"})
    asked = guide_tracker("想在人民路夜市旁边开个小吃摊，个体执照咋申请", "file_complaint", [], {})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert "complaint_text" not in slots_set(events)
    assert texts(dispatcher)[0].startswith("【个体工商户设立登记】")


def test_a_question_naming_a_place_is_still_a_complaint_when_the_catalogue_only_leads(service, dispatcher):
    lead = [{"code": "QS-SC-001", "name": "个体工商户设立登记", "score": 0.6},
            {"code": "QS-SC-005", "name": "食品经营许可", "score": 0.2}]
    service.reply("GET", "/api/catalogue/items",
                  {"decision": "clarify", "ambiguous": True, "confidence": 0.4, "matches": lead})
    asked = guide_tracker("文化路那家小吃店能不能管管", "file_complaint", [], {})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert slots_set(events).get("complaint_text")
