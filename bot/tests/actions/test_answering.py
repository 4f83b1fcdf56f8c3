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
    assert "fee" in aspects_fetched(service) and "all" not in aspects_fetched(service)


def test_a_first_question_about_materials_still_gets_the_whole_guide(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.9, "ambiguous": False,
                                                  "matches": [PASSPORT]})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", PASSPORT_RECORD)
    answer(service, dispatcher, "办护照要带什么", {}, "ask_materials",
           [{"entity": "service_item", "value": "护照", "confidence_entity": 0.9}])
    assert "all" in aspects_fetched(service) and not dispatcher.messages[0]["buttons"]


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


# ---- services the catalogue does not cover ---------------------------------------------------------

PERMIT = {"code": "QS-ZJ-001", "name": "建筑工程施工许可", "kind": "item", "score": 0.9, "matched": "开工许可"}
ELDERLY = {"code": "QS-MZ-020", "name": "高龄津贴申领", "kind": "item", "score": 0.68, "matched": "老年人津贴"}
ID_RENEWAL = {"code": "QS-GA-002", "name": "居民身份证换领、补领", "kind": "item", "score": 0.69,
              "matched": "身份证到期换证"}
ON_ID_CARD = {"service_item": "居民身份证换领、补领", "item_code": "QS-GA-002", "topic": "item"}


def unsure(*matches: Dict[str, Any], confidence: float = 0.1) -> Dict[str, Any]:
    return {"decision": "clarify", "confidence": confidence, "ambiguous": True, "matches": list(matches)}


def record(name: str, *aliases: str) -> Dict[str, Any]:
    return {"kind": "item", "text": f"【{name}】", "item": {"name": name, "aliases": list(aliases)}}


def test_a_service_the_unsure_search_only_half_matches_is_said_not_in_the_catalogue(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", unsure(PERMIT, {**PERMIT, "code": "QS-X", "name": "娱乐场所经营许可"}))
    service.reply("GET", "/api/catalogue/items/QS-ZJ-001", record("建筑工程施工许可", "开工许可", "施工证"))
    events = answer(service, dispatcher, "外国人居留许可在哪办", {}, "ask_place",
                    [{"entity": "service_item", "value": "居留许可", "confidence_entity": 0.9}])
    assert texts(dispatcher)[0].startswith("我们青山区的办事指南目录里没有“居留许可”")
    assert "0710-12345" in texts(dispatcher)[0] and "转人工" in texts(dispatcher)[0]
    assert events == [] and not dispatcher.messages[0]["buttons"]


def test_an_unknown_service_asked_after_an_answer_is_not_answered_with_the_item_under_discussion(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", unsure(ELDERLY, confidence=0.17))
    service.reply("GET", "/api/catalogue/items/QS-MZ-020", record("高龄津贴申领", "老年人津贴", "80岁补贴"))
    service.reply("GET", "/api/catalogue/items/QS-GA-002", record("居民身份证换领、补领", "补办身份证"))
    events = answer(service, dispatcher, "还有老年公交卡在哪里办", ON_ID_CARD, "ask_place",
                    [{"entity": "service_item", "value": "老年公交卡", "confidence_entity": 0.8}])
    assert "没有“老年公交卡”" in texts(dispatcher)[0] and "item_code" not in slots_set(events)


def test_a_document_wanted_for_itself_is_not_taken_for_an_item_that_only_asks_for_it(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", unsure(ID_RENEWAL, confidence=0.3))
    service.reply("GET", "/api/catalogue/items/QS-GA-002", record("居民身份证换领、补领", "身份证到期换证"))
    answer(service, dispatcher, "驾照快到期了 在哪换", {}, "ask_place",
           [{"entity": "material", "value": "驾照", "confidence_entity": 0.8}])
    assert "没有“驾照”" in texts(dispatcher)[0]


def test_a_confident_search_is_answered_though_the_citizen_used_other_words(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.64, "ambiguous": False,
                                                  "matches": [{**ELDERLY, "matched": "80岁补贴"}]})
    service.reply("GET", "/api/catalogue/items/QS-MZ-020", record("高龄津贴申领"))
    events = answer(service, dispatcher, "老人补贴怎么领", {}, "ask_materials",
                    [{"entity": "service_item", "value": "老人补贴", "confidence_entity": 0.8}])
    assert slots_set(events)["item_code"] == "QS-MZ-020"


def test_an_item_follow_up_in_the_items_own_other_words_stays_on_it(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", unsure(ELDERLY, confidence=0.1))
    service.reply("GET", "/api/catalogue/items/QS-GA-002", record("居民身份证换领、补领", "补办身份证", "身份证丢了"))
    events = answer(service, dispatcher, "补办身份证要多久", ON_ID_CARD, "ask_time_limit",
                    [{"entity": "service_item", "value": "补办身份证", "confidence_entity": 0.8}])
    assert "没有" not in texts(dispatcher)[0] and slots_set(events)["item_code"] == "QS-GA-002"


# ---- two matters in one message ------------------------------------------------------------------

MARRY = {"code": "QS-MZ-001", "name": "内地居民结婚登记", "kind": "item", "score": 0.9, "matched": "领证"}
MOVE = {"code": "QS-GA-020", "name": "户口迁移（投靠、购房落户）", "kind": "item", "score": 0.88, "matched": "户口迁入"}


def by_clause(request: Dict[str, Any]):
    said = request["query"]["q"]
    sure = {"decision": "answer", "confidence": 0.8, "ambiguous": False}
    if "，" in said:
        return 200, {"decision": "not_found", "confidence": 0, "ambiguous": False, "matches": []}
    if "领证" in said:
        return 200, {**sure, "matches": [MARRY]}
    if "户口" in said:
        return 200, {**sure, "matches": [MOVE]}
    return 200, {"decision": "not_found", "confidence": 0, "ambiguous": False, "matches": []}


def test_two_matters_in_clauses_of_one_question_are_both_answered(service, dispatcher):
    service.answer("GET", "/api/catalogue/items", by_clause)
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", record("内地居民结婚登记"))
    service.reply("GET", "/api/catalogue/items/QS-GA-020", record("户口迁移（投靠、购房落户）"))
    events = answer(service, dispatcher, "下个月跟女朋友领证，领完想把她户口迁到我这边，这两个分别要准备些什么", {},
                    "ask_materials")
    assert texts(dispatcher) == ["【内地居民结婚登记】", "【户口迁移（投靠、购房落户）】"]
    assert slots_set(events)["item_codes"] == ["QS-MZ-001", "QS-GA-020"]


def test_one_matter_told_with_its_circumstances_is_not_split(service, dispatcher):
    service.answer("GET", "/api/catalogue/items", by_clause)
    service.reply("GET", "/api/catalogue/items/QS-GA-020", record("户口迁移（投靠、购房落户）"))
    answer(service, dispatcher, "我们刚买了房，想把户口迁过来", {}, "ask_materials")
    assert texts(dispatcher) == ["【户口迁移（投靠、购房落户）】"]


# ---- the pre-check reads negations and each clause's own verdict -----------------------------------


@pytest.mark.parametrize("said, lacking", [("厂里拖着不给开离职证明", "离职证明"),
                                           ("厨师健康证还在体检 没拿到", "健康证"),
                                           ("普通话证还没考", "普通话证")])
def test_a_material_not_given_or_still_in_progress_is_marked_as_not_had(said, lacking):
    told = wording.materials_said(said)
    assert lacking in told and "没有" in told.split(lacking, 1)[1]


def test_a_space_after_a_clause_that_says_having_ends_that_clause():
    assert wording.materials_said("身份证有 户口本没有") == "身份证有，户口本没有"


def test_names_listed_with_spaces_share_the_verdict_at_the_end():
    assert wording.materials_said("身份证 户口本 结婚证都没有") == "身份证 户口本 结婚证都没有"


# ---- a letter that also asks about a service --------------------------------------------------------

LETTER = ("小同志你好，我住在滨江路和建设路交叉口那边。公交站旁边的人行道砖翘起来好几块，还有一个下水道井盖是松的，"
          "人踩上去咣当咣当响，上个礼拜楼里的老人就在那绊了一跤。麻烦你们让管路的部门来修一修，井盖最要紧。"
          "有事打我女儿电话13886071234。还有个事想顺便问问，我今年正好满八十了，听说政府有老人补贴，"
          "是要我自己去哪里申请吗？要带什么？谢谢你们。")


def test_a_letter_that_also_asks_about_a_service_gets_the_guide_beside_its_work_order(service, dispatcher, tracker):
    def search(request):
        if "老人补贴" in request["query"]["q"]:
            return 200, {"decision": "answer", "confidence": 0.7, "ambiguous": False, "matches": [ELDERLY]}
        return 200, {"decision": "not_found", "confidence": 0, "ambiguous": False, "matches": []}

    service.answer("GET", "/api/catalogue/items", search)
    service.reply("GET", "/api/catalogue/items/QS-MZ-020", record("高龄津贴申领"))
    from actions.complaint import letter_events

    events = letter_events(dispatcher, tracker(LETTER, "file_complaint"))
    assert texts(dispatcher)[0].startswith("您的来信我已收到") and "【高龄津贴申领】" in texts(dispatcher)
    assert slots_set(events)["complaint_text"] == LETTER and slots_set(events)["item_code"] == "QS-MZ-020"


def test_a_letter_without_a_service_question_answers_no_guide(service, dispatcher, tracker):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.9, "ambiguous": False,
                                                  "matches": [ELDERLY]})
    from actions.complaint import letter_events

    letter_events(dispatcher, tracker(LETTER.split("还有个事")[0] + "万一着了火，我们怎么跑得出来？", "file_complaint"))
    assert len(texts(dispatcher)) == 1 and service.calls("GET", "/api/catalogue/items") == []


def test_where_and_a_weekend_question_together_get_the_place_and_the_weekend_answer(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", PASSPORT_RECORD)
    answer(service, dispatcher, "在哪办的，周末开门不", ON_PASSPORT)
    assert "place" in aspects_fetched(service) and "周六不办公" in texts(dispatcher)[0]


def test_can_she_not_go_asks_about_going_in_person():
    assert points_asked("她腿脚不方便 能不能不去") == ["in_person"]


# ---- follow-ups about a material, a part of a 一件事, or another item ---------------------------------

SOCIAL_CARD = {"kind": "item", "text": "【社会保障卡申领】\n申请材料：……", "item": {
    "name": "社会保障卡申领", "materials": [
        {"name": "居民身份证", "aliases": ["身份证"], "required": True, "form": "原件",
         "note": "未满16周岁的可提供户口簿"},
        {"name": "数码照片回执", "aliases": ["照片回执"], "required": True}]}}
ON_SOCIAL_CARD = {"service_item": "社会保障卡申领", "item_code": "QS-RS-003", "topic": "item"}


def test_a_question_about_one_material_of_the_item_gets_that_materials_answer_not_the_guide(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-RS-003", SOCIAL_CARD)
    answer(service, dispatcher, "他还没身份证咋办", ON_SOCIAL_CARD, "inform_materials",
           [{"entity": "material", "value": "身份证"}])
    assert texts(dispatcher)[0].startswith("关于“居民身份证”") and "未满16周岁的可提供户口簿" in texts(dispatcher)[0]
    assert "申请材料" not in texts(dispatcher)[0] and dispatcher.messages[0]["buttons"]


def test_the_items_own_name_in_a_question_is_not_read_as_a_material(service, dispatcher):
    passport = {**PASSPORT_RECORD, "item": {**PASSPORT_ITEM, "materials": [
        {"name": "原护照", "required": False, "note": "换发时提供"}]}}
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.9, "ambiguous": False,
                                                  "matches": [PASSPORT]})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", passport)
    answer(service, dispatcher, "办护照要多少钱啊", {}, "ask_fee",
           [{"entity": "service_item", "value": "护照", "confidence_entity": 0.9}])
    assert "原护照" not in texts(dispatcher)[0]


def test_a_material_of_the_item_asked_where_to_get_is_an_item_of_its_own(service, dispatcher):
    ride = {"kind": "item", "text": "【网络预约出租汽车驾驶员证核发】", "item": {
        "name": "网络预约出租汽车驾驶员证核发", "materials": [{"name": "无犯罪记录证明", "aliases": ["无犯罪证明"]}]}}
    record_check = {"code": "QS-GA-030", "name": "无犯罪记录证明开具", "kind": "item", "score": 0.6,
                    "matched": "无犯罪记录证明"}
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.5, "ambiguous": False,
                                                  "matches": [record_check]})
    service.reply("GET", "/api/catalogue/items/QS-JT-001", ride)
    service.reply("GET", "/api/catalogue/items/QS-GA-030", record("无犯罪记录证明开具"))
    events = answer(service, dispatcher, "无犯罪证明去哪开", {"service_item": ride["item"]["name"],
                                                       "item_code": "QS-JT-001", "topic": "item"}, "ask_place",
                    [{"entity": "service_item", "value": "无犯罪证明", "confidence_entity": 0.9}])
    assert slots_set(events)["item_code"] == "QS-GA-030"


def test_an_item_of_the_bundle_under_discussion_is_answered_on_its_own(service, dispatcher):
    food = {"code": "QS-SC-010", "name": "食品经营许可", "kind": "item", "score": 0.8, "matched": "食品许可"}
    service.reply("GET", "/api/catalogue/items", unsure(food, confidence=0.4))
    service.reply("GET", "/api/catalogue/items/QS-YS-001", {"kind": "bundle", "text": "【开餐馆一件事】", "checklist": [
        {"material": {"name": "食品安全管理制度文本"}, "items": ["QS-SC-010"]}],
        "bundle": {"name": "开餐馆一件事", "items": ["QS-SC-001", "QS-SC-010"]}})
    service.reply("GET", "/api/catalogue/items/QS-SC-010", {"kind": "item", "text": "【食品经营许可】", "item": {
        "name": "食品经营许可", "visits": 1,
        "place": {"hall": "青山区政务服务中心", "window": "食品药品综合窗口（7号）"},
        "online": {"available": True, "level": "网上预审"}}})
    events = answer(service, dispatcher, "那食品许可要跑几趟", {"service_item": "开餐馆一件事",
                                                         "item_code": "QS-YS-001",
                                                         "topic": "item"}, "ask_online",
                    [{"entity": "service_item", "value": "食品许可", "confidence_entity": 0.9}])
    assert "最多跑1次" in texts(dispatcher)[0] and slots_set(events)["item_code"] == "QS-SC-010"


def test_an_english_complaint_after_an_english_answer_is_filed_not_answered_with_the_guide(service, dispatcher):
    events = ActionOutOfScope().run(dispatcher, guide_tracker(
        "ok. another thing, the bar under my apartment plays loud music till 2am every night", "out_of_scope", [],
        ON_PASSPORT), DOMAIN)
    assert texts(dispatcher)[0].startswith("I will file this as a complaint") and slots_set(events)["complaint_kind"]


# ---- a question taken for materials at the start of a pre-check --------------------------------------


def start_precheck(text: str, slots: Dict[str, Any], entities: List[Dict[str, Any]] = ()):
    from rasa_sdk import Tracker

    latest = {"text": text, "intent": {"name": "inform_materials", "confidence": 0.8}, "entities": list(entities)}
    return Tracker.from_dict({"sender_id": "c-5", "slots": slots, "latest_message": latest, "paused": False,
                              "events": [{"event": "user", "text": text, "parse_data": latest}],
                              "followup_action": None, "active_loop": {"name": "precheck_form"},
                              "latest_action_name": "action_listen"})


def test_a_question_that_tells_no_materials_leaves_the_precheck_and_is_answered(service, dispatcher):
    import asyncio

    from actions.precheck import ValidatePrecheckForm

    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.8, "ambiguous": False,
                                                  "matches": [ID_RENEWAL]})
    service.reply("GET", "/api/catalogue/items/QS-GA-002", record("居民身份证换领、补领", "补办身份证"))
    events = asyncio.run(ValidatePrecheckForm().run(dispatcher, start_precheck(
        "身份证掉了咋办", {}, [{"entity": "service_item", "value": "身份证", "confidence_entity": 0.9}]), DOMAIN))
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert slots_set(events)["item_code"] == "QS-GA-002" and "materials_text" not in {
        k for k, v in slots_set(events).items() if v}


def test_circumstances_naming_none_of_the_items_materials_are_answered_not_prechecked(service, dispatcher):
    import asyncio

    from actions.precheck import ValidatePrecheckForm

    birth = {"kind": "item", "text": "【生育登记】\n办理条件：夫妻一方户籍在本区或在本区居住", "item": {
        "name": "生育登记", "materials": [{"name": "夫妻双方居民身份证", "aliases": ["身份证"]}, {"name": "结婚证"}]}}
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-WJ-001", birth)
    events = asyncio.run(ValidatePrecheckForm().run(dispatcher, start_precheck(
        "我老公户口不在这边 我是青山户口 可以吗",
        {"service_item": "生育登记", "item_code": "QS-WJ-001", "topic": "item"}),
        DOMAIN))
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert "办理条件" in texts(dispatcher)[0] and service.calls("POST", "/api/catalogue/precheck") == []
    assert "conditions" in [c["query"]["aspect"] for c in service.calls("GET", "/api/catalogue/items/QS-WJ-001")]


def test_a_sentence_the_search_finds_nothing_for_is_searched_by_the_thing_it_names(service, dispatcher):
    first = {"code": "QS-GA-003", "name": "居民身份证首次申领", "kind": "item", "score": 0.3, "matched": "办身份证"}

    def search(request):
        if request["query"]["q"] == "身份证":
            return 200, unsure(first, ID_RENEWAL, confidence=0.27)
        return 200, {"decision": "not_found", "confidence": 0, "ambiguous": False, "matches": []}

    service.answer("GET", "/api/catalogue/items", search)
    answer(service, dispatcher, "身份证掉了咋办", {}, "inform_materials", [{"entity": "material", "value": "身份证"}])
    assert "没有" not in texts(dispatcher)[0] and dispatcher.messages[0]["buttons"]


def test_an_unsure_search_offering_an_item_called_by_the_named_thing_is_asked_not_refused(service, dispatcher):
    low = {"code": "QS-MZ-030", "name": "最低生活保障申请", "kind": "item", "score": 0.02, "matched": "低保户"}
    birth = {"code": "QS-GA-001", "name": "出生登记", "kind": "item", "score": 0.01, "matched": "给娃上户口"}
    service.reply("GET", "/api/catalogue/items", unsure(low, birth, confidence=0.13))
    service.reply("GET", "/api/catalogue/items/QS-MZ-030", record("最低生活保障申请", "低保"))
    answer(service, dispatcher, "户口怎么弄", {}, "inform_item",
           [{"entity": "service_item", "value": "户口", "confidence_entity": 0.9}])
    assert "没有" not in texts(dispatcher)[0] and dispatcher.messages[0]["buttons"]


def test_an_item_named_by_its_own_words_leads_away_from_the_item_under_discussion(service, dispatcher):
    food = {"code": "QS-SC-010", "name": "食品经营许可", "kind": "item", "score": 0.8, "matched": "食品许可"}
    service.reply("GET", "/api/catalogue/items", unsure(food, confidence=0.4))
    service.reply("GET", "/api/catalogue/items/QS-CG-002", record("户外广告设施设置审批", "门头招牌"))
    service.reply("GET", "/api/catalogue/items/QS-SC-010", {"kind": "item", "text": "【食品经营许可】", "item": {
        "name": "食品经营许可", "visits": 1, "online": {"available": True, "level": "网上预审"}}})
    events = answer(service, dispatcher, "那食品许可要跑几趟", {"service_item": "户外广告设施设置审批",
                                                         "item_code": "QS-CG-002", "topic": "item"}, "ask_online",
                    [{"entity": "service_item", "value": "食品许可", "confidence_entity": 0.9}])
    assert slots_set(events)["item_code"] == "QS-SC-010" and "最多跑1次" in texts(dispatcher)[0]


def test_of_two_items_answered_together_the_one_called_by_the_named_word_is_answered(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", unsure(ELDERLY, confidence=0.1))
    service.reply("GET", "/api/catalogue/items/QS-GA-020", {**record("户口迁移（投靠、购房落户）", "迁户口"),
                                                          "text": "【户口迁移】\n办理时限：承诺5个工作日"})
    service.reply("GET", "/api/catalogue/items/QS-JY-001", record("义务教育阶段新生入学报名", "上小学"))
    events = answer(service, dispatcher, "户口要多久能迁好", {"service_item": "义务教育阶段新生入学报名",
                                                       "item_code": "QS-JY-001", "topic": "item",
                                                       "item_codes": ["QS-GA-020", "QS-JY-001"]}, "ask_time_limit",
                    [{"entity": "service_item", "value": "户口", "confidence_entity": 0.9}])
    assert slots_set(events)["item_code"] == "QS-GA-020"


def test_a_first_question_notes_only_materials_it_asks_about(service, tracker):
    from actions.guide import asked_materials

    service.reply("GET", "/api/catalogue/items/QS-JY-002", {"kind": "item", "item": {"materials": [
        {"name": "教师资格考试合格证明", "aliases": ["笔试面试合格证"]}]}})
    told = tracker("教资笔试面试都过了 想认定 要准备啥", "ask_materials")
    assert asked_materials("QS-JY-002", told, "教师资格认定", asking_only=True) == ""
    assert asked_materials("QS-JY-002", told, "教师资格认定").startswith("关于“教师资格考试合格证明”")


def test_what_a_clause_wants_comes_after_its_verb_of_intention():
    from actions.guide import wanted

    assert wanted("领完想把她户口迁到我这边") == "她户口迁到我这边" and wanted("想认定") == "想认定"


def test_asking_the_bot_to_look_up_ones_own_records_is_told_it_cannot_and_how_to(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", PASSPORT_RECORD)
    answer(service, dispatcher, "你能不能直接帮我查一下我名下有没有房", ON_PASSPORT, "start_precheck")
    assert texts(dispatcher)[0].startswith("我是办事指南助手，不能查询您个人的")
    assert {"online", "place"} <= set(aspects_fetched(service))


def test_a_request_to_look_something_up_is_not_a_precheck(service, dispatcher):
    import asyncio

    from rasa_sdk import Tracker

    from actions.precheck import ValidatePrecheckForm

    latest = {"text": "你能不能直接帮我查一下我名下有没有房", "intent": {"name": "start_precheck", "confidence": 0.7},
              "entities": []}
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", PASSPORT_RECORD)
    started = Tracker.from_dict({"sender_id": "c-6", "slots": ON_PASSPORT, "latest_message": latest, "paused": False,
                                 "events": [{"event": "user", "text": latest["text"], "parse_data": latest}],
                                 "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"})
    events = asyncio.run(ValidatePrecheckForm().run(dispatcher, started, DOMAIN))
    assert {"event": "active_loop", "name": None, "timestamp": None} in events


def test_a_follow_up_naming_one_offered_option_by_its_own_word_takes_that_option(service, dispatcher):
    from rasa_sdk import Tracker

    titles = ["居民身份证首次申领", "居住证申领", "居民身份证换领、补领"]
    buttons = [{"title": t, "payload": "/x"} for t in titles]
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.9, "ambiguous": False,
                                                  "matches": [ID_RENEWAL]})
    service.reply("GET", "/api/catalogue/items/QS-GA-002", record("居民身份证换领、补领"))
    latest = {"text": "补一个要多少钱", "intent": {"name": "ask_fee", "confidence": 0.9}, "entities": []}
    asked = Tracker.from_dict({"sender_id": "c-7", "latest_message": latest, "paused": False,
                               "slots": {"service_item": titles[0], "item_code": "QS-GA-003", "topic": "guess"},
                               "events": [{"event": "user", "text": "身份证掉了咋办"},
                                          {"event": "bot", "text": "您问的是下面哪一项？",
                                           "data": {"buttons": buttons}},
                                          {"event": "user", "text": latest["text"], "parse_data": latest}],
                               "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"})
    events = ActionAnswerItem().run(dispatcher, asked, DOMAIN)
    assert slots_set(events)["item_code"] == "QS-GA-002" and "您没有选择" not in texts(dispatcher)[0]


def test_asking_whether_the_order_just_filed_went_through_is_about_that_order(service, dispatcher):
    service.reply("POST", "/api/citizen/lookup", {"ticket_no": 35, "status": "已受理", "status_text": "已受理"})
    answer(service, dispatcher, "小同志 登记上了吗", {"ticket_code": "782c3f5811f36038", "ticket_no": "35",
                                                "topic": "order"}, "inform_item",
           [{"entity": "service_item", "value": "登记", "confidence_entity": 0.7}])
    assert service.calls("POST", "/api/citizen/lookup") and not service.calls("GET", "/api/catalogue/items")


def test_of_two_items_answered_together_the_one_whose_names_share_the_messages_words_is_answered(service,
                                                                                                 dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", record("内地居民结婚登记", "领证", "扯证"))
    service.reply("GET", "/api/catalogue/items/QS-GA-020", record("户口迁移（投靠、购房落户）", "迁户口"))
    events = answer(service, dispatcher, "领证要钱吗 照片要几张", {"service_item": "户口迁移（投靠、购房落户）",
                                                           "item_code": "QS-GA-020", "topic": "item",
                                                           "item_codes": ["QS-MZ-001", "QS-GA-020"]}, "ask_fee")
    assert slots_set(events)["item_code"] == "QS-MZ-001"


def test_of_items_answered_together_one_called_by_a_name_the_message_holds_whole_wins(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", record("内地居民结婚登记", "领证"))
    service.reply("GET", "/api/catalogue/items/QS-GA-020", record("户口迁移（投靠、购房落户）", "迁户口"))
    events = answer(service, dispatcher, "她户口本在老家 领证也必须带户口本吗", {
        "service_item": "户口迁移（投靠、购房落户）", "item_code": "QS-GA-020", "topic": "item",
        "item_codes": ["QS-MZ-001", "QS-GA-020"]}, "ask_materials",
        [{"entity": "service_item", "value": "户口本", "confidence_entity": 0.8}])
    assert slots_set(events)["item_code"] == "QS-MZ-001"


def test_a_follow_up_about_an_item_answered_together_gets_the_aspects_asked_not_the_whole_guide(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", record("内地居民结婚登记", "领证"))
    service.reply("GET", "/api/catalogue/items/QS-GA-020", record("户口迁移（投靠、购房落户）", "迁户口"))
    answer(service, dispatcher, "迁户口大概多久，在哪办", {"service_item": "内地居民结婚登记", "item_code": "QS-MZ-001",
                                                "topic": "item", "item_codes": ["QS-MZ-001", "QS-GA-020"]},
           "ask_time_limit")
    asked = [c["query"]["aspect"] for c in service.calls("GET", "/api/catalogue/items/QS-GA-020")]
    assert "all" not in asked and {"time_limit", "place"} <= set(asked)


def test_asking_for_a_person_in_other_words_is_recognised():
    assert wording.asks_for_person("不满意，给我转个人工吧") and wording.asks_for_person("帮我转一下人工")


def test_a_material_named_by_a_label_sharing_words_with_the_item_is_still_answered(service, dispatcher):
    fund = {"kind": "item", "text": "【住房公积金提取（租房）】", "item": {
        "name": "住房公积金提取（租房）", "materials": [
        {"name": "房屋租赁登记备案证明", "aliases": ["租房备案"], "chengnuo": True, "note": "签署无房承诺即可"}]}}
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-GJJ-001", fund)
    answer(service, dispatcher, "我没有租房备案 能提吗", {"service_item": "住房公积金提取（租房）",
                                               "item_code": "QS-GJJ-001", "topic": "item"}, "ask_conditions",
           [{"entity": "service_item", "value": "租房", "confidence_entity": 0.6}])
    assert "关于“房屋租赁登记备案证明”：可以签告知承诺书代替" in texts(dispatcher)[0]


def test_a_precheck_after_two_items_were_answered_together_checks_both(service, dispatcher):
    from rasa_sdk import Tracker

    from actions.precheck import ActionPrecheckVerdict

    service.answer("POST", "/api/catalogue/precheck", lambda r: (200, {"text": f"【预审结果：{r['body']['code']}】",
                                                                       "missing": []}))
    done = Tracker.from_dict({"sender_id": "c-8", "latest_message": {"text": "身份证户口本都有"}, "paused": False,
                              "slots": {"item_code": "QS-JY-001", "item_codes": ["QS-GA-020", "QS-JY-001"],
                                        "materials_text": "身份证户口本都有", "precheck_notes": "身份证户口本都有"},
                              "events": [], "followup_action": None, "active_loop": {},
                              "latest_action_name": "action_listen"})
    ActionPrecheckVerdict().run(dispatcher, done, DOMAIN)
    assert texts(dispatcher) == ["【预审结果：QS-GA-020】", "【预审结果：QS-JY-001】"]


def test_a_document_like_the_items_own_substitute_is_not_said_to_be_unneeded(service, dispatcher):
    school = {"kind": "item", "text": "【义务教育阶段新生入学报名】", "item": {
        "name": "义务教育阶段新生入学报名", "materials": [
        {"name": "不动产权证书", "aliases": ["房产证"], "rongque": True, "note": "房产证未下发的可凭购房合同先报名"}]}}
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-JY-001", school)
    answer(service, dispatcher, "房产证还没下来 只有网签合同 能报名吗", {
        "service_item": "义务教育阶段新生入学报名", "item_code": "QS-JY-001", "topic": "item"}, "ask_conditions",
        [{"entity": "material", "value": "签合同"}])
    assert "不需要提供" not in texts(dispatcher)[0]


def test_telling_a_circumstance_that_holds_an_aspect_word_still_gets_the_whole_guide(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.9, "ambiguous": False,
                                                  "matches": [PASSPORT]})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", PASSPORT_RECORD)
    answer(service, dispatcher, "在青山送快递大半年了 想办个护照", {}, "inform_item",
           [{"entity": "service_item", "value": "护照", "confidence_entity": 0.9}])
    assert "all" in aspects_fetched(service)  # the records read before it come with any aspect


def test_asking_what_to_do_about_a_lacking_material_is_answered_not_prechecked(service, dispatcher):
    import asyncio

    from actions.precheck import ValidatePrecheckForm

    marriage = {"kind": "item", "text": "【内地居民结婚登记】", "item": {"name": "内地居民结婚登记", "materials": [
        {"name": "双方户口簿", "aliases": ["户口本"], "note": "全国通办后可凭身份证在居住地办理"}]}}
    service.reply("GET", "/api/catalogue/items", {"decision": "not_found", "ambiguous": False, "matches": []})
    service.reply("GET", "/api/catalogue/items/QS-MZ-001", marriage)
    events = asyncio.run(ValidatePrecheckForm().run(dispatcher, start_precheck(
        "他户口在外省 户口本拿不回来 咋整",
        {"service_item": "内地居民结婚登记", "item_code": "QS-MZ-001", "topic": "item"}),
        DOMAIN))
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert "全国通办" in texts(dispatcher)[0] and service.calls("POST", "/api/catalogue/precheck") == []


def test_the_guides_online_note_is_kept_in_a_point_answer():
    elderly = {**FULLY_ONLINE, "name": "高龄津贴申领",
               "online": {"available": True, "level": "全程网办", "note": "年满80周岁的可免申请自动发放"}}
    assert "年满80周岁的可免申请自动发放" in point_answer("她腿脚不方便 能不能不去", elderly, ["in_person"])
    assert "年满80周岁的可免申请自动发放" in point_answer("网上能办吗", elderly, ["online"])


def test_a_telling_verb_picks_among_sibling_items_the_search_hesitates_over(service, dispatcher):
    first = {"code": "QS-GA-003", "name": "居民身份证首次申领", "kind": "item", "score": 0.4, "matched": "办身份证"}
    service.reply("GET", "/api/catalogue/items", unsure(first, ID_RENEWAL, confidence=0.3))
    service.reply("GET", "/api/catalogue/items/QS-GA-002", record("居民身份证换领、补领"))
    events = answer(service, dispatcher, "补个身份证要多久", {}, "ask_time_limit",
                    [{"entity": "service_item", "value": "身份证", "confidence_entity": 0.9}])
    assert slots_set(events)["item_code"] == "QS-GA-002"


def test_asking_what_a_bundle_includes_stays_on_the_bundle_though_one_of_its_items_is_named(service, dispatcher):
    sign = {"code": "QS-CG-002", "name": "户外广告设施设置审批", "kind": "item", "score": 0.9, "matched": "门头招牌"}
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.7, "ambiguous": False,
                                                  "matches": [sign]})
    service.reply("GET", "/api/catalogue/items/QS-YS-001", {"kind": "bundle", "text": "【开餐馆一件事】包含事项：…",
                                                          "checklist": [], "bundle": {
                                                              "name": "开餐馆一件事", "items": ["QS-CG-002"]}})
    events = answer(service, dispatcher, "都包括啥 门口招牌也要批吗", {"service_item": "开餐馆一件事",
                                                            "item_code": "QS-YS-001",
                                                          "topic": "item"}, "ask_conditions",
                    [{"entity": "service_item", "value": "门口招牌", "confidence_entity": 0.9}])
    assert slots_set(events)["item_code"] == "QS-YS-001" and "包含事项" in texts(dispatcher)[0]


def test_a_narrow_answer_adds_the_condition_the_question_names(service, dispatcher):
    divorce = {"code": "QS-MZ-002", "name": "内地居民离婚登记", "kind": "item", "score": 0.9, "matched": "离婚"}
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.8, "ambiguous": False,
                                                  "matches": [divorce]})
    service.reply("GET", "/api/catalogue/items/QS-MZ-002", {"kind": "item", "text": "【内地居民离婚登记】\n办理时限：…",
                                                          "item": {"name": "内地居民离婚登记", "conditions": [
                                                              "双方自愿离婚", "申请后经30日冷静期"]}})
    answer(service, dispatcher, "离婚是不是要等一个月冷静期？", {}, "ask_time_limit",
           [{"entity": "service_item", "value": "离婚", "confidence_entity": 0.9}])
    assert "申请后经30日冷静期" in texts(dispatcher)[0] and "双方自愿离婚" not in texts(dispatcher)[0]


def test_a_request_to_check_that_already_tells_of_a_material_is_checked_at_once(service, dispatcher):
    import asyncio

    from rasa_sdk import Tracker

    from actions.precheck import ValidatePrecheckForm

    ktv = {"kind": "item", "text": "【娱乐场所经营许可】", "item": {"name": "娱乐场所经营许可", "materials": [
        {"name": "消防安全检查合格证明", "aliases": ["消防验收", "消防证明"], "rongque": True}]}}
    service.reply("GET", "/api/catalogue/items/QS-WL-001", ktv)
    latest = {"text": "消防那个检查还没下来，可以先交材料吗", "intent": {"name": "start_precheck", "confidence": 0.8},
              "entities": []}
    started = Tracker.from_dict({"sender_id": "c-9", "latest_message": latest, "paused": False,
                                 "slots": {"service_item": "娱乐场所经营许可", "item_code": "QS-WL-001",
                                           "topic": "item"},
                                 "events": [{"event": "user", "text": latest["text"], "parse_data": latest}],
                                 "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"})
    events = asyncio.run(ValidatePrecheckForm().run(dispatcher, started, DOMAIN))
    assert slots_set(events)["materials_text"] == latest["text"]


def test_when_to_apply_is_answered_from_the_guides_dated_fields():
    school = {"name": "义务教育阶段新生入学报名", "conditions": ["适龄儿童（当年8月31日前满6周岁）", "在本区有户籍"],
              "online": {"available": True, "level": "全程网办", "note": "每年6月在“青山教育”平台网上报名"}}
    said = point_answer("在哪报名？什么时候报", school, points_asked("在哪报名？什么时候报"))
    assert "每年6月在“青山教育”平台网上报名" in said and "8月31日前满6周岁" in said
    assert points_asked("什么时候能办好") == []


def test_when_the_guide_names_no_date_it_says_so():
    assert "指南没有写具体的办理时间段" in point_answer("什么时候去", PASSPORT_ITEM, ["when"])


def test_a_service_sharing_only_the_word_for_a_permit_with_an_item_is_not_that_item(service, dispatcher):
    food = {"code": "QS-SC-010", "name": "食品经营许可", "kind": "item", "score": 0.3, "matched": "食品许可证"}
    service.reply("GET", "/api/catalogue/items", unsure(food, confidence=0.08))
    service.reply("GET", "/api/catalogue/items/QS-SC-010", record("食品经营许可", "食品许可证"))
    service.reply("GET", "/api/catalogue/items/QS-GA-010", PASSPORT_RECORD)
    events = answer(service, dispatcher, "那个登月许可证怎么办", ON_PASSPORT, "inform_item",
                    [{"entity": "service_item", "value": "登月许可证", "confidence_entity": 0.8}])
    assert "没有“登月许可证”" in texts(dispatcher)[0] and "item_code" not in slots_set(events)


def test_a_service_named_with_a_binding_word_is_still_found_by_its_own_words(service, dispatcher):
    query = {"code": "QS-BDC-002", "name": "不动产登记资料查询", "kind": "item", "score": 0.5,
             "matched": "有房无房证明"}
    service.reply("GET", "/api/catalogue/items", unsure(query, confidence=0.3))
    service.reply("GET", "/api/catalogue/items/QS-BDC-002", record("不动产登记资料查询", "有房无房证明", "查名下房子"))
    events = answer(service, dispatcher, "单位要我开个名下有没有房子的证明，去哪开", {}, "ask_place",
                    [{"entity": "service_item", "value": "房子的证明", "confidence_entity": 0.8}])
    assert "没有" not in texts(dispatcher)[0] and slots_set(events).get("item_code") in (None, "QS-BDC-002")


def test_a_telling_verb_counts_only_right_before_the_item_named():
    from actions.guide import lead_in

    assert lead_in("补个身份证要多久", ["身份证"]) == "补个"
    assert lead_in("我下学期要去国外交换，护照从来没办过", ["护照"]) == ""


def test_a_sure_search_is_taken_at_its_word_though_the_citizens_words_differ(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": 0.45, "ambiguous": False,
                                                  "matches": [{**ELDERLY, "matched": "80岁补贴"}]})
    service.reply("GET", "/api/catalogue/items/QS-MZ-020", record("高龄津贴申领", "老年人津贴"))
    events = answer(service, dispatcher, "老人补贴怎么领", {}, "ask_materials",
                    [{"entity": "service_item", "value": "老人补贴", "confidence_entity": 0.8}])
    assert slots_set(events)["item_code"] == "QS-MZ-020"


def test_a_service_entity_is_searched_before_a_person_tagged_beside_it(service, dispatcher):
    disability = {"code": "QS-CL-001", "name": "残疾人证办理", "kind": "item", "score": 0.9, "matched": "残疾人证办理"}

    def search(request):
        if request["query"]["q"] == "残疾人证办理":
            return 200, {"decision": "answer", "confidence": 0.8, "ambiguous": False, "matches": [disability]}
        return 200, {"decision": "not_found", "confidence": 0, "ambiguous": False, "matches": []}

    service.answer("GET", "/api/catalogue/items", search)
    service.reply("GET", "/api/catalogue/items/QS-CL-001", record("残疾人证办理", "残疾证"))
    events = answer(service, dispatcher, "我孙子要办残疾证 在哪里办", {}, "ask_place",
                    [{"entity": "service_item", "value": "孙子", "confidence_entity": 0.97},
                     {"entity": "service_item", "value": "残疾人证办理", "confidence_entity": 0.97}])
    assert slots_set(events)["item_code"] == "QS-CL-001"


def test_when_the_sentence_leads_elsewhere_the_named_service_is_searched_alone(service, dispatcher):
    disability = {"code": "QS-CL-001", "name": "残疾人证办理", "kind": "item", "score": 0.9, "matched": "残疾人证办理"}
    birth = {"code": "QS-YS-002", "name": "新生儿出生一件事", "kind": "bundle", "score": 0.1, "matched": "小孩出生"}

    def search(request):
        if request["query"]["q"] == "残疾人证办理":
            return 200, {"decision": "answer", "confidence": 0.8, "ambiguous": False, "matches": [disability]}
        return 200, unsure(birth, confidence=0.15)

    service.answer("GET", "/api/catalogue/items", search)
    service.reply("GET", "/api/catalogue/items/QS-CL-001", record("残疾人证办理", "残疾证"))
    service.reply("GET", "/api/catalogue/items/QS-YS-002", {"kind": "bundle", "text": "【新生儿出生一件事】",
                                                          "bundle": {"name": "新生儿出生一件事", "items": []}})
    events = answer(service, dispatcher, "我孙子要办残疾证 在哪里办", {}, "ask_place",
                    [{"entity": "material", "value": "残疾人证办理"}])
    assert slots_set(events)["item_code"] == "QS-CL-001"


def test_with_a_person_is_company_not_a_second_matter(service, dispatcher):
    transfer = {"code": "QS-YB-002", "name": "异地就医备案", "kind": "item", "score": 0.7, "matched": "异地看病"}
    insured = {"code": "QS-YB-001", "name": "城乡居民基本医疗保险参保登记", "kind": "item", "score": 0.5,
               "matched": "医保"}
    said = "我妈医保在青山，以后要长期跟我住深圳，在那边看病医保咋弄"

    def search(request):
        sure = {"decision": "answer", "confidence": 0.6, "ambiguous": False}
        return 200, {**sure, "matches": [transfer if request["query"]["q"] in (said, "看病医保") else insured]}

    service.answer("GET", "/api/catalogue/items", search)
    service.reply("GET", "/api/catalogue/items/QS-YB-002", record("异地就医备案"))
    service.reply("GET", "/api/catalogue/items/QS-YB-001", record("城乡居民基本医疗保险参保登记"))
    answer(service, dispatcher, said, {}, "inform_item",
           [{"entity": "service_item", "value": "医保", "confidence_entity": 0.9},
            {"entity": "service_item", "value": "看病医保", "confidence_entity": 0.9}])
    assert texts(dispatcher) == ["【异地就医备案】"]


def test_a_document_only_a_materials_list_holds_is_not_in_the_catalogue_when_the_sentence_finds_nothing(
        service, dispatcher):
    ride = {"code": "QS-JT-001", "name": "网络预约出租汽车驾驶员证核发", "kind": "item", "score": 0.98,
            "matched": "网约车驾驶证"}

    def search(request):
        if request["query"]["q"] == "驾照":
            return 200, {"decision": "answer", "confidence": 0.57, "ambiguous": False, "matches": [ride]}
        return 200, {"decision": "not_found", "confidence": 0, "ambiguous": False, "matches": []}

    service.answer("GET", "/api/catalogue/items", search)
    service.reply("GET", "/api/catalogue/items/QS-JT-001", record("网络预约出租汽车驾驶员证核发", "网约车驾驶证"))
    answer(service, dispatcher, "驾照快到期了 在哪换", {}, "ask_place",
           [{"entity": "service_item", "value": "驾照", "confidence_entity": 0.9}])
    assert "没有“驾照”" in texts(dispatcher)[0]


def test_a_material_not_yet_got_is_a_material_of_the_item_not_a_new_item():
    from actions.guide import getting_done

    assert not getting_done("我们还没领结婚证 上户口会不会办不了", "结婚证")
    assert getting_done("补个身份证要多久", "身份证")
