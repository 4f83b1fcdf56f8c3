"""Issue 15, second round, one behaviour each: follow-ups answered fully about the item under
discussion, questions about a material answered (not counted as having it), how-to questions kept out
of the complaint form, phone refusals in other words, 催办, letter titles and ratings with a reason.

Run with rasa-sdk's CollectingDispatcher against the stand-in service (conftest.py)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from rasa_sdk import Tracker
from test_conversation_repairs import DOMAIN, MARRIAGE, guide_tracker, in_form, slots_set, texts

from actions import wording
from actions.complaint import ActionStartComplaint, ValidateComplaintForm
from actions.guide import ActionAnswerItem
from actions.status import ActionTicketStatus
from actions.turns import ActionRate

MARRIAGE_RECORD = {"kind": "item", "text": "【内地居民结婚登记】\n申请材料：……",
                   "item": {"name": "内地居民结婚登记", "materials": [
                       {"name": "双方居民身份证", "aliases": ["身份证"], "required": True, "form": "原件"},
                       {"name": "双方居民户口簿", "aliases": ["户口本"], "required": True, "form": "原件",
                        "note": "全国通办：可凭身份证在居住地办理"},
                       {"name": "合影照片", "required": True, "copies": 3, "form": "原件"}]}}
ON_MARRIAGE = {"service_item": "内地居民结婚登记", "item_code": "QS-MZ-001", "topic": "item"}


def aspects_asked(service) -> List[str]:
    return [call["query"]["aspect"] for call in service.calls("GET", "/api/catalogue/items/QS-MZ-001")]


def test_several_aspects_asked_at_once_under_any_intent_are_all_answered(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", MARRIAGE_RECORD)
    ActionAnswerItem().run(dispatcher, guide_tracker("在哪办，网上能弄不", "greet", [], ON_MARRIAGE), DOMAIN)
    assert "place" in aspects_asked(service) and "网上办" in texts(dispatcher)[0]


def test_a_material_named_in_a_follow_up_keeps_the_item_and_is_answered_directly(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.9, "ambiguous": False,
                                                  "matches": [{**MARRIAGE, "code": "QS-OTHER"}]})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", MARRIAGE_RECORD)
    asked = guide_tracker("他户口本拿不回来，一定要户口本吗", "inform_item",
                          [{"entity": "service_item", "value": "户口本", "confidence_entity": 0.9}], ON_MARRIAGE)
    events = ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher)[0].startswith("关于“双方居民户口簿”：必须提交")
    assert "全国通办" in texts(dispatcher)[0]
    assert slots_set(events)["item_code"] == "QS-MZ-001"


def test_asking_about_a_material_is_not_having_it():
    assert "结婚证" not in wording.materials_said("老婆也想一起迁，要结婚证吗")
    assert "照片" not in wording.materials_said("照片要啥样的？我手里有一寸照")
    assert wording.materials_said("身份证有，户口本也在") == "身份证有，户口本也在"


def test_a_how_to_question_in_other_words_is_answered_not_filed(service, dispatcher, tracker):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.8, "ambiguous": False,
                                                  "matches": [MARRIAGE]})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", MARRIAGE_RECORD)
    events = ActionStartComplaint().run(dispatcher, tracker("领证能不能网上先约个时间", "file_complaint"), DOMAIN)
    assert "complaint_text" not in slots_set(events) and texts(dispatcher)[0].startswith("【内地居民结婚登记】")


def test_a_problem_worded_as_a_question_is_still_a_complaint(service, dispatcher, tracker):
    events = ActionStartComplaint().run(dispatcher, tracker("楼下烧烤店油烟熏人，能不能管管", "file_complaint"), DOMAIN)
    assert slots_set(events)["complaint_text"] == "楼下烧烤店油烟熏人，能不能管管"
    assert service.calls("GET", "/api/catalogue/items") == []


def test_declining_the_phone_without_a_number_in_other_words_is_a_refusal(service, dispatcher):
    for said in ("手机号就算了吧", "号码我就不给了", "别打我电话"):
        events = asyncio.run(ValidateComplaintForm().run(dispatcher, in_form("complaint_form", "contact", said),
                                                         DOMAIN))
        assert slots_set(events)["contact"] == "不留", said


def test_urging_an_order_shows_its_progress_and_registers_the_urge_with_a_person(service, dispatcher):
    service.reply("POST", "/api/citizen/lookup", {"ticket_no": 12, "status": "转办", "department": "区城管局",
                                                  "completion_due": "2026-12-04T17:00:00"})
    service.reply("POST", "/api/handoffs", {"id": 31, "status": "待接入"}, status=201)
    asked = guide_tracker("咋还没处理完？能不能催一下", "ask_ticket_status", [],
                          {"ticket_code": "3f9a0c1d2b4e5f60", "topic": "order"})
    events = ActionTicketStatus().run(dispatcher, asked, DOMAIN)
    progress, registered = texts(dispatcher)[:2]
    assert progress.startswith("工单 12：") and "已把您的催办请求（工单 12）转给人工客服登记" in registered
    assert service.calls("POST", "/api/handoffs")[0]["body"]["transcript"][-1]["text"] == "咋还没处理完？能不能催一下"
    assert slots_set(events)["handoff_id"] == 31


def rated(text: str) -> Tracker:
    latest = {"text": text, "intent": {"name": "inform_materials", "confidence": 0.7}, "entities": []}
    return Tracker.from_dict({"sender_id": "c-rate", "slots": {}, "latest_message": latest, "paused": False,
                              "events": [{"event": "bot", "text": "【娱乐场所经营许可】……",
                                          "data": {"custom": {"rate": {"turn_id": "t-9"}}}},
                                         {"event": "user", "text": text, "parse_data": latest}],
                              "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"})


def test_a_rating_word_followed_by_a_reason_is_a_rating(service, dispatcher):
    service.reply("POST", "/api/bot/ratings", {}, status=201)
    ActionRate().run(dispatcher, rated("不满意，说得太笼统了"), DOMAIN)
    body: Dict[str, Any] = service.calls("POST", "/api/bot/ratings")[0]["body"]
    assert body["rating"] == "unsatisfied" and body["turn_id"] == "t-9"


def test_urging_the_order_under_discussion_is_not_a_new_complaint(service, dispatcher):
    service.reply("POST", "/api/citizen/lookup", {"ticket_no": 12, "status": "办理"})
    service.reply("POST", "/api/handoffs", {"id": 31, "status": "待接入"}, status=201)
    asked = guide_tracker("咋还没处理完？能不能催一下", "file_complaint", [],
                          {"ticket_code": "3f9a0c1d2b4e5f60", "topic": "order"})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert "complaint_text" not in slots_set(events) and "催办" in texts(dispatcher)[1]


def test_a_crossing_and_a_hyphenated_house_number_are_kept_whole_as_the_place():
    assert wording.place_in("文化路跟湖滨路路口的红绿灯坏两天了") == "文化路跟湖滨路路口"
    assert wording.place_in("KTV叫金鼎，在青山区人民路88-1号，门头上有电话") == "青山区人民路88-1号"


def test_an_english_complaint_starts_a_work_order_and_says_so_in_english(service, dispatcher, tracker):
    from actions.handoff import ActionFallback

    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    said = "Hi, the streetlight in front of my building has been broken for a week."
    events = ActionFallback().run(dispatcher, tracker(said, "nlu_fallback"), DOMAIN)
    assert slots_set(events)["complaint_text"] == said
    assert events[-1] == {"event": "followup", "name": "complaint_form", "timestamp": None}
    assert texts(dispatcher)[0].startswith("I will file this as a complaint")


def test_an_english_place_and_an_english_phone_refusal_are_taken(service, dispatcher):
    place = "It is at No. 25 Hubin Road, near the east gate of the park."
    events = asyncio.run(ValidateComplaintForm().run(dispatcher, in_form("complaint_form", "complaint_place", place),
                                                     DOMAIN))
    assert slots_set(events)["complaint_place"] == place
    refusal = in_form("complaint_form", "contact", "I'd rather not give my phone number.")
    assert slots_set(asyncio.run(ValidateComplaintForm().run(dispatcher, refusal, DOMAIN)))["contact"] == "不留"


def test_asking_for_the_ticket_number_in_english_gets_it_in_english(service, dispatcher, tracker):
    from actions.handoff import ActionFallback

    asked = tracker("OK, so what's my ticket number?", "nlu_fallback",
                    slots={"ticket_no": "31", "ticket_code": "3f9a0c1d2b4e5f60", "topic": "order"})
    ActionFallback().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher) == ["Your work order number is 31 and your query code is 3f9a0c1d2b4e5f60. To check "
                                 "its progress, send \"查询码 3f9a0c1d2b4e5f60\" here at any time."]


def test_getting_a_material_done_is_a_question_about_that_item_not_the_one_under_discussion(service, dispatcher):
    renew = {"code": "QS-GA-003", "name": "居民身份证换领、补领", "kind": "item", "score": 0.9}
    first = {"code": "QS-GA-002", "name": "居民身份证首次申领", "kind": "item", "score": 0.8}
    service.answer("GET", "/api/catalogue/items", lambda r: (200, {
        "decision": "answer", "confidence": 0.9, "ambiguous": r["query"]["q"] == "身份证",
        "matches": [renew, first]}))
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", MARRIAGE_RECORD)
    service.reply("GET", "/api/catalogue/items/QS-GA-003", {"kind": "item", "text": "【居民身份证换领、补领】"})
    asked = guide_tracker("那我得先去补身份证？补个身份证要多久", "ask_time_limit",
                          [{"entity": "service_item", "value": "身份证", "confidence_entity": 0.9}], ON_MARRIAGE)
    events = ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert slots_set(events)["item_code"] == "QS-GA-003"


def test_asking_how_many_orders_were_filed_says_one_with_its_number(service, dispatcher):
    service.reply("POST", "/api/citizen/lookup", {"ticket_no": 12, "status": "受理"})
    asked = guide_tracker("这么多事 是一个单还是好几个单", "ask_ticket_status", [],
                          {"ticket_no": "12", "ticket_code": "3f9a0c1d2b4e5f60", "topic": "order"})
    ActionTicketStatus().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher)[0].startswith("您这次反映的几件事都登记在同一张工单（编号 12）")


def test_a_poor_rating_that_asks_for_a_person_is_rated_and_handed_over(service, dispatcher):
    service.reply("POST", "/api/bot/ratings", {}, status=201)
    service.reply("POST", "/api/handoffs", {"id": 5}, status=201)
    events = ActionRate().run(dispatcher, rated("没用，给我转人工"), DOMAIN)
    assert service.calls("POST", "/api/bot/ratings")[0]["body"]["rating"] == "unsatisfied"
    assert slots_set(events)["with_person"] is True


def test_saying_what_one_does_not_know_is_not_a_question():
    from actions.cues import asks, aspects_named

    assert not asks("档案在原来厂里，厂子倒闭了不知道档案在哪") and aspects_named("不知道档案在哪") == []
    assert asks("残疾评定去哪做") and aspects_named("残疾评定去哪做") == ["place"]


def test_a_handoff_in_the_middle_of_a_complaint_tells_that_what_was_said_goes_along(service, dispatcher):
    service.reply("POST", "/api/handoffs", {"id": 6}, status=201)
    asked = in_form("complaint_form", "contact", "你是机器人吧 我要跟真人说",
                    slots={"complaint_text": "阳光花园物业乱收电动车充电费", "complaint_place": "城东大道56号"})
    asyncio.run(ValidateComplaintForm().run(dispatcher, asked, DOMAIN))
    assert "阳光花园物业乱收电动车充电费；地点：城东大道56号" in texts(dispatcher)[-1]
    assert "不用从头再说" in texts(dispatcher)[-1]


def test_asking_to_stay_unknown_after_filing_is_reassured_and_not_a_new_complaint(service, dispatcher):
    service.reply("POST", "/api/citizen/lookup", {"ticket_no": 12, "status": "受理"})
    asked = guide_tracker("别打给我，也别告诉他们是谁投诉的", "file_complaint", [],
                          {"ticket_no": "12", "ticket_code": "3f9a0c1d2b4e5f60", "topic": "order"})
    events = ActionTicketStatus().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher)[0] == "您的姓名和联系方式只用于办理，不会透露给被反映的一方。"
    assert "complaint_text" not in slots_set(events)


def test_a_material_the_item_does_not_list_is_said_not_to_be_needed(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", MARRIAGE_RECORD)
    asked = guide_tracker("还要带房产证吗", "ask_materials",
                          [{"entity": "material", "value": "房产证", "confidence_entity": 0.9}], ON_MARRIAGE)
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher)[0].startswith("“房产证”不在本事项的材料清单里")


def test_a_search_with_a_clear_lead_is_answered_and_the_other_options_offered_after(service, dispatcher, tracker):
    other = {"code": "QS-GA-003", "name": "居民身份证换领、补领", "kind": "item", "score": 0.2}
    service.reply("GET", "/api/catalogue/items", {"decision": "clarify", "confidence": 0.4, "ambiguous": True,
                                                  "matches": [{**MARRIAGE, "score": 0.38}, other]})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", MARRIAGE_RECORD)
    events = ActionAnswerItem().run(dispatcher, tracker("我们想下周去扯证 要带啥", "ask_materials"), DOMAIN)
    assert texts(dispatcher)[0].startswith("【内地居民结婚登记】") and slots_set(events)["item_code"] == "QS-MZ-001"
    assert [b["title"] for b in dispatcher.messages[-1]["buttons"]] == ["居民身份证换领、补领"]


def test_only_getting_it_later_is_not_having_it():
    said = wording.materials_said("房产证开发商说明年才办得下来，现在只有网签合同")
    assert said.startswith("房产证开发商说明年才办得下来没有")


def test_taking_back_a_complaint_given_up_earlier_keeps_the_problem_said_then(service, dispatcher, tracker):
    said = "还是给我登记投诉吧，都堆一个礼拜了，就在青山区和平街9号2单元门口"
    latest = {"text": said, "intent": {"name": "file_complaint", "confidence": 0.9}, "entities": []}
    history = [{"event": "slot", "name": "complaint_text", "value": "隔壁楼装修的把建筑垃圾堆我们单元门口好几天了"},
               {"event": "slot", "name": "complaint_text", "value": None},
               {"event": "user", "text": said, "parse_data": latest}]
    resumed = Tracker.from_dict({"sender_id": "c-back", "slots": {}, "latest_message": latest, "paused": False,
                                 "events": history, "followup_action": None, "active_loop": {},
                                 "latest_action_name": "action_listen"})
    slots = slots_set(ActionStartComplaint().run(dispatcher, resumed, DOMAIN))
    assert slots["complaint_text"].startswith("隔壁楼装修的把建筑垃圾堆我们单元门口好几天了。")
    assert slots["complaint_place"].startswith("青山区和平街9号")


def test_a_follow_up_about_both_items_ignores_a_stray_entity(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-A", {"kind": "item", "text": "【甲】\n网上办理：全程网办"})
    service.reply("GET", "/api/catalogue/items/QS-B", {"kind": "item", "text": "【乙】\n网上办理：网上预审"})
    asked = guide_tracker("两个都能网上办吗", "ask_online",
                          [{"entity": "service_item", "value": "两个", "confidence_entity": 0.8}],
                          {"item_codes": ["QS-A", "QS-B"], "item_code": "QS-B", "service_item": "乙"})
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert [t.split("\n")[0] for t in texts(dispatcher)] == ["【甲】", "【乙】"]


def test_which_of_two_items_comes_first_is_read_from_what_one_produces_for_the_other(service, dispatcher):
    service.reply("GET", "/api/catalogue/items/QS-A", {"kind": "item", "item": {
        "name": "个体工商户设立登记", "produces": ["business_license"],
        "materials": [{"id": "id_card", "name": "身份证"}]}})
    service.reply("GET", "/api/catalogue/items/QS-B", {"kind": "item", "item": {
        "name": "公共场所卫生许可", "produces": [], "materials": [{"id": "business_license", "name": "营业执照"}]}})
    asked = guide_tracker("哪个先办", "ask_conditions", [],
                          {"item_codes": ["QS-B", "QS-A"], "item_code": "QS-A", "service_item": "个体工商户设立登记"})
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert texts(dispatcher)[0].startswith(
        "先办【个体工商户设立登记】：它办结后发的“营业执照”是【公共场所卫生许可】要提交的材料")


def test_cannot_bring_it_back_is_not_having_it():
    assert wording.materials_said("他户口在外省 户口本拿不回来").endswith("户口本拿不回来没有")


def test_a_follow_up_naming_its_circumstances_answers_only_the_item_under_discussion(service, dispatcher):
    fund = {"code": "QS-GJJ-001", "name": "住房公积金提取（租房）", "kind": "item", "score": 0.9}
    house = {"code": "QS-BDC-002", "name": "不动产转移登记（二手房买卖）", "kind": "item", "score": 0.9}
    service.answer("GET", "/api/catalogue/items", lambda r: (200, {
        "decision": "answer", "confidence": 0.9, "ambiguous": False,
        "matches": [fund if "公积金" in r["query"]["q"] else house]}))
    service.reply("GET", "/api/catalogue/items/QS-GJJ-001", {"kind": "item", "text": "【住房公积金提取（租房）】"})
    asked = guide_tracker("公积金那个，我房子租的没备案，能取吗", "ask_conditions",
                          [{"entity": "service_item", "value": "公积金", "confidence_entity": 0.9},
                           {"entity": "service_item", "value": "房子", "confidence_entity": 0.9}],
                          {"item_code": "QS-GJJ-001", "service_item": "住房公积金提取（租房）"})
    ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert [t.split("\n")[0] for t in texts(dispatcher)] == ["【住房公积金提取（租房）】"]


def test_a_long_message_whose_whole_text_finds_nothing_is_searched_clause_by_clause(service, dispatcher, tracker):
    transfer = {"code": "QS-YB-002", "name": "异地就医备案", "kind": "item", "score": 0.46}
    service.answer("GET", "/api/catalogue/items", lambda r: (200, {
        "decision": "clarify" if "医保" in r["query"]["q"] else "not_found", "confidence": 0.56, "ambiguous": True,
        "matches": [transfer, {**transfer, "code": "QS-YB-001", "name": "城乡居民基本医疗保险参保登记"}]
        if "医保" in r["query"]["q"] else []}))
    events = ActionAnswerItem().run(dispatcher, tracker("冬天要去海南住几个月 在那边看病医保能用不", "ask_conditions"),
                                    DOMAIN)
    assert slots_set(events)["item_code"] == "QS-YB-002" and slots_set(events)["topic"] == "guess"


FOOD = {"kind": "item", "item": {"name": "食品经营许可", "materials": [
    {"name": "经营场所平面布局图", "aliases": ["平面图"]}, {"name": "营业执照"}]}, "text": "【食品经营许可】"}


def test_news_about_a_material_taken_for_a_complaint_goes_to_the_pre_check_under_way(service, dispatcher):
    service.reply("GET", "/api/catalogue/items/QS-SC-002", FOOD)
    service.reply("POST", "/api/catalogue/precheck", {"text": "【预审结果：食品经营许可】…", "missing": []})
    asked = guide_tracker("店里平面图还没画", "file_complaint", [],
                          {"item_code": "QS-SC-002", "precheck_code": "QS-SC-002", "precheck_notes": "营业执照办好了"})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert "complaint_text" not in slots_set(events)
    sent = service.calls("POST", "/api/catalogue/precheck")[0]["body"]["text"]
    assert sent.startswith("营业执照办好了。店里平面图还没画")


def test_a_material_named_in_full_is_the_one_asked_about():
    from actions.guide import named_materials

    materials = [{"name": "户口迁移申请表"}, {"name": "居民户口簿", "aliases": ["户口本"]}, {"name": "结婚证"}]
    assert [m["name"] for m in named_materials(materials, "老婆户口也想一起迁，要结婚证吗")] == ["结婚证"]


def test_materials_told_with_a_question_start_the_items_pre_check_notes(service, dispatcher, tracker):
    closing = {"code": "QS-SC-009", "name": "企业注销登记", "kind": "item", "score": 0.7}
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.7, "ambiguous": False,
                                                  "matches": [closing]})
    service.reply("GET", "/api/catalogue/items/QS-SC-009", {"kind": "item", "text": "【企业注销登记】", "item": {
        "materials": [{"name": "清算报告"}, {"name": "清税证明"}]}})
    events = ActionAnswerItem().run(dispatcher, tracker("公司要注销，我把材料列一下：清算报告做好了", "ask_materials"),
                                    DOMAIN)
    assert slots_set(events)["precheck_code"] == "QS-SC-009"
    assert slots_set(events)["precheck_notes"].endswith("清算报告做好了")


def test_a_rating_of_an_answer_given_inside_a_form_is_a_rating_not_a_slot(service, dispatcher):
    from actions.precheck import ValidatePrecheckForm

    service.reply("POST", "/api/bot/ratings", {}, status=201)
    latest = {"text": "不满意，说得太笼统了", "intent": {"name": "inform_materials", "confidence": 0.8}, "entities": []}
    asked = Tracker.from_dict({
        "sender_id": "c-form-rate",
        "slots": {"requested_slot": "materials_text", "materials_text": "不满意，说得太笼统了"},
        "latest_message": latest, "paused": False, "followup_action": None, "active_loop": {"name": "precheck_form"},
        "latest_action_name": "action_listen",
        "events": [{"event": "bot", "text": "【娱乐场所经营许可】…", "data": {"custom": {"rate": {"turn_id": "t-7"}}}},
                   {"event": "user", "text": latest["text"], "parse_data": latest}]})
    events = asyncio.run(ValidatePrecheckForm().run(dispatcher, asked, DOMAIN))
    assert service.calls("POST", "/api/bot/ratings")[0]["body"]["rating"] == "unsatisfied"
    assert slots_set(events) == {"materials_text": None}


def test_a_crossing_named_in_the_complaint_wins_over_the_extractors_street(service, dispatcher, tracker):
    said = "反映个事，文化路跟湖滨路路口的红绿灯坏两天了"
    asked = tracker(said, "file_complaint", {"place": "湖滨路"})
    slots = slots_set(ActionStartComplaint().run(dispatcher, asked, DOMAIN))
    assert slots["complaint_place"] == "文化路跟湖滨路路口"


def test_a_lead_the_search_itself_doubts_is_not_clear():
    from actions.guide import clear_lead

    matches = [{"code": "A", "score": 0.6}, {"code": "B", "score": 0.29}]
    assert not clear_lead({"decision": "clarify", "confidence": 0.08, "matches": matches})
    assert clear_lead({"decision": "clarify", "confidence": 0.3, "matches": matches})


def test_picking_an_offered_item_is_a_choice_even_when_it_shares_words_with_a_material(service, dispatcher):
    renew = {"code": "QS-GA-003", "name": "居民身份证换领、补领", "kind": "item", "score": 0.9,
             "matched": "居民身份证换领、补领"}
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.9, "ambiguous": False,
                                                  "matches": [renew]})
    service.reply("GET", "/api/catalogue/items/QS-GA-002", {"kind": "item", "text": "【居民身份证首次申领】", "item": {
        "name": "居民身份证首次申领", "materials": [{"name": "居民户口簿", "required": True, "form": "原件"}]}})
    service.reply("GET", "/api/catalogue/items/QS-GA-003", {"kind": "item", "text": "【居民身份证换领、补领】"})
    payload = '/ask_materials{"service_item": "居民身份证换领、补领"}'
    latest = {"text": payload, "intent": {"name": "ask_materials", "confidence": 1.0},
              "entities": [{"entity": "service_item", "value": "居民身份证换领、补领"}]}
    offered = {"event": "bot", "text": "您问的是下面哪一项？", "data": {"buttons": [
        {"title": "居民身份证首次申领", "payload": "…"}, {"title": "居民身份证换领、补领", "payload": payload}]}}
    picked = Tracker.from_dict({
        "sender_id": "citizen-9", "slots": {"service_item": "居民身份证首次申领", "item_code": "QS-GA-002",
                                            "topic": "guess"},
        "latest_message": latest, "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen",
        "events": [{"event": "user", "text": "身份证要带什么"}, offered,
                   {"event": "user", "text": payload, "parse_data": latest}]})
    events = ActionAnswerItem().run(dispatcher, picked, DOMAIN)
    assert "【居民身份证换领、补领】" in texts(dispatcher)
    assert slots_set(events)["item_code"] == "QS-GA-003"
