"""What the catalogue does not say is said so: a point no field of the chosen guide holds is admitted with
12345 (not answered with the nearest field), and an unsure search whose candidates are not what was named
offers them as suggestions after saying the service is not in the catalogue.

Run with rasa-sdk's CollectingDispatcher against the stand-in service (conftest.py)."""

from __future__ import annotations

from typing import Any, Dict, List

from test_conversation_repairs import DOMAIN, guide_tracker, slots_set, texts

from actions.coverage import telling_words, uncovered
from actions.guide import ActionAnswerItem

TRANSFER_ITEM = {"code": "QS-BDC-009", "name": "不动产转移登记（赠与）", "aliases": ["房子过户", "赠与过户"],
                 "conditions": ["房屋已取得不动产权证书"], "fee": "住宅每件80元",
                 "materials": [{"name": "不动产权证书", "aliases": ["房产证"]}, {"name": "赠与合同"},
                               {"name": "完税凭证", "aliases": ["印花税票"]}],
                 "place": {"hall": "青山区不动产登记中心", "phone": "0710-5550000"}}
TRANSFER = {"kind": "item", "text": "【不动产转移登记（赠与）】收费标准：住宅每件80元", "item": TRANSFER_ITEM}
ON_TRANSFER = {"service_item": "不动产转移登记（赠与）", "item_code": "QS-BDC-009", "topic": "item"}
NOT_FOUND = {"decision": "not_found", "confidence": 0.0, "ambiguous": False, "matches": []}
PASSPORT = {"code": "QS-GA-010", "name": "普通护照签发", "kind": "item", "score": 0.4, "matched": "普通护照签发"}
ID_RENEWAL = {"code": "QS-GA-003", "name": "居民身份证换领、补领", "kind": "item", "score": 0.5, "matched": "换证"}
ID_CARD = {"code": "QS-GA-002", "name": "居民身份证首次申领", "kind": "item", "score": 0.3, "matched": "身份证"}


def record(name: str, *aliases: str) -> Dict[str, Any]:
    return {"kind": "item", "text": f"【{name}】",
            "item": {"name": name, "aliases": list(aliases), "materials": [{"name": "居民身份证"}]}}


def run(service, dispatcher, text: str, intent: str, slots: Dict[str, Any],
        entities: List[Dict[str, Any]] = ()) -> List[Dict[str, Any]]:
    return ActionAnswerItem().run(dispatcher, guide_tracker(text, intent, list(entities), slots), DOMAIN)


def unsure_between_passport_and_id_card(service) -> None:
    """The search hesitates between the passport and the first identity card (a 'clarify' answer)."""
    service.reply("GET", "/api/catalogue/items", {"decision": "clarify", "confidence": 0.2, "ambiguous": True,
                                                  "matches": [PASSPORT, ID_CARD]})
    service.reply("GET", "/api/catalogue/items/QS-GA-010", record("普通护照签发", "护照", "办护照"))
    service.reply("GET", "/api/catalogue/items/QS-GA-002", record("居民身份证首次申领", "办身份证"))


def answers_with_id_renewal(service, confidence: float) -> None:
    """The search answers with the identity card's renewal, at this confidence."""
    service.reply("GET", "/api/catalogue/items", {"decision": "answer", "confidence": confidence, "ambiguous": False,
                                                  "matches": [ID_RENEWAL]})
    service.reply("GET", "/api/catalogue/items/QS-GA-003", record("居民身份证换领、补领", "换身份证", "身份证补办"))


def test_question_wording_is_not_what_is_asked():
    assert telling_words("周六上午能不能去办，要多久") == []


def test_a_rare_noun_of_the_question_is_what_is_asked():
    assert telling_words("印花税要交多少") == ["印花税"]


def test_a_word_the_guide_holds_in_another_form_is_covered():
    assert uncovered("过户的时候要带房产证吗", TRANSFER) == []


def test_a_word_no_field_of_the_guide_holds_is_uncovered():
    assert uncovered("契税要交多少", TRANSFER) == ["契税"]


def test_a_word_held_only_outside_the_field_of_the_aspect_asked_is_uncovered_for_that_aspect():
    assert uncovered("印花税要交多少", TRANSFER, aspects=["fee"]) == ["印花税"]
    assert uncovered("印花税要交多少", TRANSFER) == []  # the materials name its receipt


def test_a_record_without_its_fields_is_not_judged():
    assert uncovered("印花税要交多少", {"kind": "item", "text": "【不动产转移登记（赠与）】"}) == []


def test_a_fee_asked_of_a_tax_the_guide_never_names_is_admitted_with_12345_before_the_guides_fee(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", NOT_FOUND)
    service.reply("GET", "/api/catalogue/items/QS-BDC-009", TRANSFER)
    run(service, dispatcher, "印花税得交多少钱", "ask_fee", ON_TRANSFER)
    said = texts(dispatcher)[0]
    assert said.startswith("您问到的“印花税”") and "没有写" in said and "12345" in said and "0710-5550000" in said
    assert "80元" in said  # what the guide does say about fees follows


def test_a_point_the_guide_does_not_hold_is_not_answered_with_another_field(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", NOT_FOUND)
    service.reply("GET", "/api/catalogue/items/QS-BDC-009", TRANSFER)
    run(service, dispatcher, "赠与的是车库，车库可以吗", "ask_conditions", ON_TRANSFER)
    said = texts(dispatcher)[0]
    assert said.startswith("您问到的“车库”") and "房屋已取得不动产权证书" not in said
    assert dispatcher.messages[0]["buttons"][0]["title"] == "查看完整办事指南"


def test_a_question_the_guide_answers_gets_no_admission(service, dispatcher):
    service.reply("GET", "/api/catalogue/items", NOT_FOUND)
    service.reply("GET", "/api/catalogue/items/QS-BDC-009", TRANSFER)
    run(service, dispatcher, "过户要交多少钱", "ask_fee", ON_TRANSFER)
    assert "没有写" not in texts(dispatcher)[0]


def test_an_unsure_search_whose_candidates_are_not_the_service_named_says_not_in_the_catalogue(service, dispatcher):
    unsure_between_passport_and_id_card(service)
    events = run(service, dispatcher, "港澳通行证到期了在哪续签", "ask_place", {},
                 [{"entity": "service_item", "value": "港澳通行证", "confidence_entity": 0.9}])
    assert "没有“港澳通行证”这一项" in texts(dispatcher)[0] and "12345" in texts(dispatcher)[0]
    assert [b["title"] for b in dispatcher.messages[1]["buttons"]] == ["普通护照签发", "居民身份证首次申领"]
    assert "item_code" not in slots_set(events)


def test_an_unsure_search_without_a_service_named_asks_between_its_candidates(service, dispatcher):
    unsure_between_passport_and_id_card(service)
    run(service, dispatcher, "下个月要去澳门旅游，要办什么", "ask_materials", {})
    assert texts(dispatcher)[0] == "您问的是下面哪一项？"


def test_the_service_not_in_the_catalogue_is_named_with_its_service_noun(service, dispatcher):
    answers_with_id_renewal(service, 0.45)
    run(service, dispatcher, "我老公的居留许可快到期了", "inform_item", {},
        [{"entity": "service_item", "value": "许可", "confidence_entity": 0.9}])
    assert "没有“居留许可”这一项" in texts(dispatcher)[0]


def test_an_unsure_search_whose_candidate_is_called_by_the_words_asks_between_them(service, dispatcher):
    unsure_between_passport_and_id_card(service)
    run(service, dispatcher, "出国旅游用的护照在哪办", "ask_place", {})
    assert texts(dispatcher)[0] == "您问的是下面哪一项？"


def test_on_wechat_the_near_items_are_named_in_the_text(service, dispatcher):
    unsure_between_passport_and_id_card(service)
    tracker = guide_tracker("港澳通行证到期了在哪续签", "ask_place",
                            [{"entity": "service_item", "value": "港澳通行证", "confidence_entity": 0.9}], {},
                            sender_id="wx:citizen-9")
    ActionAnswerItem().run(dispatcher, tracker, DOMAIN)
    assert "“普通护照签发”、“居民身份证首次申领”" in texts(dispatcher)[0] and len(dispatcher.messages) == 1




def test_a_sure_search_whose_guide_holds_nothing_of_the_service_named_says_not_in_the_catalogue(service, dispatcher):
    answers_with_id_renewal(service, 0.45)
    events = run(service, dispatcher, "摩托车驾驶证到期了要换", "inform_item", {},
                 [{"entity": "service_item", "value": "驾驶证", "confidence_entity": 0.9}])
    assert "没有“驾驶证”这一项" in texts(dispatcher)[0]
    assert dispatcher.messages[1]["buttons"][0]["title"] == "居民身份证换领、补领"
    assert "item_code" not in slots_set(events)


def test_the_words_of_a_situation_are_not_taken_for_a_service_the_catalogue_lacks(service, dispatcher):
    answers_with_id_renewal(service, 0.7)
    events = run(service, dispatcher, "我在工地搬砖把钱包弄丢了，身份证也在里面", "inform_item", {},
                 [{"entity": "service_item", "value": "身份证", "confidence_entity": 0.9}])
    assert slots_set(events)["item_code"] == "QS-GA-003"


def test_a_sure_search_whose_names_hold_the_service_named_is_answered(service, dispatcher):
    answers_with_id_renewal(service, 0.45)
    events = run(service, dispatcher, "在外地打工身份证到期了要换", "inform_item", {})
    assert slots_set(events)["item_code"] == "QS-GA-003"
