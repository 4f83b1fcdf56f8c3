"""The citizen bot's custom actions, one behaviour each: run with rasa-sdk's CollectingDispatcher on a
tracker from ``Tracker.from_dict``, against a stand-in for the main service (conftest.py)."""

from __future__ import annotations

from typing import Any, Dict, List

from actions.complaint import ActionStartComplaint, ActionSubmitComplaint, ValidateComplaintForm
from actions.guide import SORRY, ActionAnswerItem
from actions.handoff import ActionFallback, ActionHandoff
from actions.precheck import ActionPrecheckVerdict, ValidatePrecheckForm
from actions.status import ActionTicketStatus

DOMAIN: Dict[str, Any] = {}
PASSPORT = {"code": "QS-GA-010", "name": "普通护照签发", "kind": "item", "department": "青山公安分局",
            "score": 0.92, "matched": "护照"}
ID_NEW = {"code": "QS-GA-002", "name": "居民身份证首次申领", "kind": "item", "department": "青山公安分局",
          "score": 0.61, "matched": "身份证"}
ID_RENEW = {"code": "QS-GA-003", "name": "居民身份证换领、补领", "kind": "item", "department": "青山公安分局",
            "score": 0.60, "matched": "身份证"}


def slots_set(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def texts(dispatcher) -> List[str]:
    return [m["text"] for m in dispatcher.messages if m.get("text")]


# ---- 办事指南 answers ---------------------------------------------------------------------------


def test_a_clear_item_question_is_answered_from_the_catalogue_and_remembered(service, dispatcher, tracker):
    service.reply("GET", "/api/catalogue/items", {"query": "护照", "ambiguous": False, "matches": [PASSPORT]})
    service.reply("GET", "/api/catalogue/items/QS-GA-010",
                  {"kind": "item", "text": "【普通护照签发】申请材料：居民身份证"})
    asked = tracker("办护照要带啥", "ask_materials", {"service_item": "护照"})
    events = ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher) == ["【普通护照签发】申请材料：居民身份证"]
    assert slots_set(events) == {"service_item": "普通护照签发", "item_code": "QS-GA-010", "topic": "item"}
    assert {"aspect": "all"} in [call["query"] for call in service.calls("GET", "/api/catalogue/items/QS-GA-010")]


def test_two_close_items_are_asked_back_as_buttons(service, dispatcher, tracker):
    service.reply("GET", "/api/catalogue/items", {"query": "身份证", "ambiguous": True, "matches": [ID_NEW, ID_RENEW]})
    events = ActionAnswerItem().run(dispatcher, tracker("身份证要带什么", "ask_materials", {"service_item": "身份证"}),
                                    DOMAIN)
    buttons = dispatcher.messages[0]["buttons"]
    assert [b["title"] for b in buttons] == ["居民身份证首次申领", "居民身份证换领、补领"]
    assert buttons[1]["payload"] == '/ask_materials{"service_item": "居民身份证换领、补领"}'
    assert slots_set(events) == {"service_item": "居民身份证首次申领", "item_code": "QS-GA-002", "topic": "guess"}


def test_an_item_cut_short_by_a_typo_is_searched_again_with_the_whole_message(service, dispatcher, tracker):
    def search(request: Dict[str, Any]):
        found = [PASSPORT] if request["query"]["q"] == "护照签发要带什么东西" else []
        return 200, {"query": request["query"]["q"], "ambiguous": False, "matches": found}

    service.answer("GET", "/api/catalogue/items", search)
    service.reply("GET", "/api/catalogue/items/QS-GA-010", {"kind": "item", "text": "【普通护照签发】"})
    asked = tracker("护照签发要带什么东西", "ask_materials", {"service_item": "签发"})
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert [c["query"]["q"] for c in service.calls("GET", "/api/catalogue/items")] == ["签发", "护照签发要带什么东西"]
    assert texts(dispatcher) == ["【普通护照签发】"]


def test_an_unknown_item_asks_to_rephrase_and_keeps_the_item_under_discussion(service, dispatcher, tracker):
    service.reply("GET", "/api/catalogue/items", {"query": "登月许可", "ambiguous": False, "matches": []})
    asked = tracker("登月许可怎么办", "inform_item", {"service_item": "登月许可"},
                    slots={"service_item": "普通护照签发", "item_code": "QS-GA-010"})
    events = ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert "换个说法" in texts(dispatcher)[0]
    assert "service_item" not in slots_set(events) and "item_code" not in slots_set(events)


def test_when_the_catalogue_cannot_be_reached_the_bot_apologises_instead_of_guessing(service_down, dispatcher,
                                                                                     tracker):
    asked = tracker("办护照要带啥", "ask_materials", {"service_item": "护照"})
    events = ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher) == [SORRY]
    assert events == []


# ---- complaints become work orders ------------------------------------------------------------


def test_a_complaint_keeps_what_the_first_message_said_without_the_opening_words(dispatcher, tracker):
    said = tracker("我要投诉，湖滨路楼下烧烤店油烟太大每天熏得开不了窗", "file_complaint", {"place": "湖滨路"})
    events = ActionStartComplaint().run(dispatcher, said, DOMAIN)
    assert slots_set(events) == {"complaint_kind": "投诉", "complaint_text": "湖滨路楼下烧烤店油烟太大每天熏得开不了窗",
                                 "complaint_place": "湖滨路楼下", "contact": None, "complaint_title": None}


def test_an_opening_alone_leaves_the_problem_to_be_asked(dispatcher, tracker):
    events = ActionStartComplaint().run(dispatcher, tracker("我想提个建议", "file_suggestion"), DOMAIN)
    assert slots_set(events)["complaint_kind"] == "建议" and slots_set(events)["complaint_text"] is None


def test_a_mobile_number_is_accepted_as_the_contact(dispatcher, tracker):
    assert ValidateComplaintForm().validate_contact("139 1234 5678", dispatcher, tracker(), DOMAIN) == {
        "contact": "13912345678"}
    assert dispatcher.messages == []


def test_declining_to_leave_a_contact_is_accepted(dispatcher, tracker):
    assert ValidateComplaintForm().validate_contact("不留了", dispatcher, tracker(), DOMAIN) == {"contact": "不留"}


def test_a_malformed_number_is_asked_again(dispatcher, tracker):
    asked = tracker("1391234", slots={"requested_slot": "contact"})
    assert ValidateComplaintForm().validate_contact("1391234", dispatcher, asked, DOMAIN) == {"contact": None}
    assert "格式" in texts(dispatcher)[0]


def test_a_complaint_from_wechat_is_filed_as_a_wechat_order_with_its_number(service, dispatcher, tracker):
    service.reply("POST", "/api/tickets", {"id": 42, "feedback_code": "a1b2c3d4", "status": "受理"}, status=201)
    slots = {"complaint_text": "菜市场门口下水道堵了一星期", "complaint_place": "湖滨路菜市场", "contact": "不留",
             "complaint_kind": "投诉"}
    events = ActionSubmitComplaint().run(dispatcher, tracker("不留", slots=slots, sender_id="wx:oCitizen"), DOMAIN)
    filed = service.calls("POST", "/api/tickets")[0]
    assert filed["body"] == {"text": "菜市场门口下水道堵了一星期", "channel": "微信", "place": "湖滨路菜市场",
                             "contact": None, "ticket_type": None}
    assert filed["token"] == "Bearer demo-bot"
    assert dispatcher.messages[0]["custom"] == {"ticket": {"id": 42, "feedback_code": "a1b2c3d4",
                                                           "query_code": "a1b2c3d4"}}
    assert "查询码 a1b2c3d4" in texts(dispatcher)[0]
    assert slots_set(events) == {"complaint_text": None, "complaint_place": None, "contact": None,
                                 "complaint_kind": None, "complaint_title": None, "ticket_no": "42",
                                 "ticket_code": "a1b2c3d4", "topic": "order"}


def test_a_suggestion_is_filed_with_its_type(service, dispatcher, tracker):
    service.reply("POST", "/api/tickets", {"id": 43, "feedback_code": "e5f6a7b8"}, status=201)
    slots = {"complaint_text": "建议公园多设几个饮水点", "contact": "13912345678", "complaint_kind": "建议"}
    ActionSubmitComplaint().run(dispatcher, tracker("13912345678", slots=slots), DOMAIN)
    assert service.calls("POST", "/api/tickets")[0]["body"]["ticket_type"] == "建议"


def test_a_complaint_that_cannot_be_filed_says_so_and_gives_no_number(service_down, dispatcher, tracker):
    slots = {"complaint_text": "路灯坏了一个月", "contact": "不留", "complaint_kind": "投诉"}
    events = ActionSubmitComplaint().run(dispatcher, tracker("不留", slots=slots), DOMAIN)
    assert "没有提交成功" in texts(dispatcher)[0]
    assert "ticket_no" not in slots_set(events)


# ---- work-order progress, by 查询码 only ----------------------------------------------------------

LOOKED_UP = {"ticket_no": 12, "status": "办理", "status_label": "承办部门正在办理", "department": "青山区城管局",
             "received_at": "2026-03-02T09:00:00+08:00", "completion_due": "2026-03-09T09:00:00+08:00",
             "overdue": True, "reply": None, "rated": False}


def test_an_order_is_looked_up_by_its_number_and_query_code(service, dispatcher, tracker):
    service.reply("POST", "/api/citizen/lookup", LOOKED_UP)
    asked = tracker("工单12 查询码 3f9a0c1d2b4e5f60", "ask_ticket_status")
    events = ActionTicketStatus().run(dispatcher, asked, DOMAIN)
    assert service.calls("POST", "/api/citizen/lookup")[0]["body"] == {"code": "3f9a0c1d2b4e5f60", "ticket_no": 12,
                                                                          "conversation_id": "citizen-1"}
    assert texts(dispatcher) == [
        "工单 12：承办部门正在办理（青山区城管局），办结时限 2026-03-09 09:00。该工单已超期，已列入督办。"]
    assert slots_set(events) == {"topic": "order", "ticket_code": "3f9a0c1d2b4e5f60"}


def test_a_query_code_alone_is_enough(service, dispatcher, tracker):
    service.reply("POST", "/api/citizen/lookup", LOOKED_UP)
    ActionTicketStatus().run(dispatcher, tracker("3F9A0C1D2B4E5F60", "ask_ticket_status"), DOMAIN)
    assert service.calls("POST", "/api/citizen/lookup")[0]["body"] == {"code": "3f9a0c1d2b4e5f60",
                                                                       "conversation_id": "citizen-1"}


def test_a_wrong_code_is_reported_without_saying_whether_the_number_exists(service, dispatcher, tracker):
    ActionTicketStatus().run(dispatcher, tracker("工单999 查询码 0000000000000000", "ask_ticket_status"), DOMAIN)
    assert "没有查到与这个查询码对应的工单" in texts(dispatcher)[0]


def test_a_number_without_a_query_code_asks_for_the_code_and_looks_nothing_up(service, dispatcher, tracker):
    ActionTicketStatus().run(dispatcher, tracker("查一下工单12", "ask_ticket_status", {"ticket_no": "12"}), DOMAIN)
    assert "查询码" in texts(dispatcher)[0]
    assert service.requests == []


def test_numbers_inside_an_address_or_a_phone_are_never_looked_up(service, dispatcher, tracker):
    for said in ("我住人民路120号，上次反映的事处理得怎么样了", "区号0710的电话打不通，我的投诉有结果了吗",
                 "我手机13907101234，之前反映的问题有进展吗"):
        ActionTicketStatus().run(dispatcher, tracker(said, "ask_ticket_status", {"ticket_no": "120"}), DOMAIN)
    assert service.requests == []
    assert all("查询码" in t for t in texts(dispatcher))


def test_the_order_filed_in_this_conversation_is_looked_up_with_its_own_code(service, dispatcher, tracker):
    service.reply("POST", "/api/citizen/lookup", LOOKED_UP)
    ActionTicketStatus().run(dispatcher, tracker("我刚才那个工单处理得怎么样了", "ask_ticket_status",
                                                 slots={"ticket_code": "3f9a0c1d2b4e5f60"}), DOMAIN)
    assert service.calls("POST", "/api/citizen/lookup")[0]["body"] == {"code": "3f9a0c1d2b4e5f60",
                                                                       "conversation_id": "citizen-1"}


def test_a_complaint_taken_for_a_status_question_starts_the_complaint(service, dispatcher, tracker):
    events = ActionTicketStatus().run(dispatcher, tracker("人民路120号门口的井盖丢了晚上很危险", "ask_ticket_status"),
                                      DOMAIN)
    assert slots_set(events)["complaint_text"] == "人民路120号门口的井盖丢了晚上很危险"
    assert slots_set(events)["complaint_place"] == "人民路120号门口"
    assert events[-1] == {"event": "followup", "name": "complaint_form", "timestamp": None}
    assert service.requests == []


def test_the_complaint_made_last_week_asks_for_the_query_code_instead_of_a_new_complaint(service, dispatcher,
                                                                                         tracker):
    events = ActionStartComplaint().run(dispatcher, tracker("我上周投诉的事怎么样了", "file_complaint"), DOMAIN)
    assert "查询码" in texts(dispatcher)[0]
    assert "complaint_text" not in slots_set(events)
    assert events[-1]["name"] == "action_listen"


# ---- 转人工 and misunderstandings ---------------------------------------------------------------


def conversation(*turns: str) -> List[Dict[str, Any]]:
    """Alternating user and bot turns; the user's are understood unless marked with a leading '?'."""
    events = []
    for index, turn in enumerate(turns):
        if index % 2:
            events.append({"event": "bot", "text": turn})
        else:
            intent = "nlu_fallback" if turn.startswith("?") else "ask_materials"
            events.append({"event": "user", "text": turn.lstrip("?"), "input_channel": "rest",
                           "parse_data": {"intent": {"name": intent}}})
    return events


def test_asking_for_a_human_hands_over_the_transcript(service, dispatcher, tracker):
    service.reply("POST", "/api/handoffs", {"id": 5, "status": "待接入"}, status=201)
    history = conversation("办护照要带啥", "【普通护照签发】…", "转人工")
    ActionHandoff().run(dispatcher, tracker("转人工", "request_human", events=history), DOMAIN)
    handoff = service.calls("POST", "/api/handoffs")[0]["body"]
    assert handoff["reason"] == "requested" and handoff["channel"] == "网页"
    assert handoff["transcript"] == [{"speaker": "user", "text": "办护照要带啥"},
                                     {"speaker": "bot", "text": "【普通护照签发】…"},
                                     {"speaker": "user", "text": "转人工"}]
    assert "人工客服" in dispatcher.messages[0]["text"]


def test_a_first_misunderstanding_asks_to_rephrase_and_forgets_the_message(service, dispatcher, tracker):
    history = conversation("办护照要带啥", "【普通护照签发】…", "?嗯嗯那个")
    events = ActionFallback().run(dispatcher, tracker(events=history), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_default"
    assert [e["event"] for e in events] == ["rewind"]
    assert [r["path"] for r in service.requests] == ["/api/catalogue/items", "/api/bot/turns"]


def test_a_second_misunderstanding_in_a_row_brings_a_human(service, dispatcher, tracker):
    service.reply("POST", "/api/handoffs", {"id": 6, "status": "待接入"}, status=201)
    history = conversation("?嗯嗯那个", "抱歉，我没有理解", "?就是那个呀")
    ActionFallback().run(dispatcher, tracker(events=history), DOMAIN)
    assert service.calls("POST", "/api/handoffs")[0]["body"]["reason"] == "fallback"
    assert "人工客服" in dispatcher.messages[0]["text"]


# ---- 自助预审 ---------------------------------------------------------------------------------------


def test_a_precheck_ends_with_the_verdict_for_the_page_and_the_text_for_the_citizen(service, dispatcher, tracker):
    verdict = {"items": ["QS-GA-004"], "complete": [{"id": "id_card", "name": "居民身份证"}], "missing": [],
               "rongque": [{"id": "deed", "name": "不动产权证书"}], "chengnuo": [], "on_site": [],
               "optional_missing": [], "accept_today": True, "text": "材料可以当天受理"}
    service.reply("POST", "/api/catalogue/precheck", verdict)
    slots = {"item_code": "QS-GA-004", "materials_text": "身份证户口本有，房产证有"}
    events = ActionPrecheckVerdict().run(dispatcher, tracker("身份证户口本有，房产证有", slots=slots), DOMAIN)
    assert service.calls("POST", "/api/catalogue/precheck")[0]["body"] == {
        "code": "QS-GA-004", "text": "身份证户口本有，房产证有"}
    assert dispatcher.messages[0]["text"].startswith("材料可以当天受理")
    assert dispatcher.messages[0]["custom"] == {"precheck": verdict}
    assert slots_set(events) == {"materials_text": None, "topic": "item"}


def test_the_item_to_precheck_is_asked_back_when_two_are_close(service, dispatcher, tracker):
    service.reply("GET", "/api/catalogue/items", {"query": "身份证", "ambiguous": True, "matches": [ID_NEW, ID_RENEW]})
    result = ValidatePrecheckForm().validate_service_item("身份证", dispatcher, tracker("身份证"), DOMAIN)
    assert result == {"service_item": None}
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["居民身份证首次申领", "居民身份证换领、补领"]
