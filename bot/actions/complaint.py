"""Complaints, suggestions and letters become hotline work orders through the main service.

Each slot holds only what fits it: the problem, a place, a phone number or a clear refusal to give
one; 算了 / 取消 / 转人工 / a 查询码 / a service question are honoured at every step (forms.py).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import wording
from actions.cues import asks, aspects_named
from actions.forms import CANCEL_ANYWHERE, GuardedFormValidation
from actions.service_client import ServiceUnavailable, client
from actions.status import ASK_CODE, URGE

#: The opening words of a complaint, which say nothing about the problem itself.
OPENING = re.compile(r"^(你好|您好|喂)?[，,]?(我要|我想|想)?"
                     r"(投诉|举报|反映(一下)?(问题)?|提(个|点)?(建议|意见)|建议)[，,：:。]?")
NO_CONTACT = "不留"
#: A question about how to get something done (装修垃圾要办什么手续), not a problem to report.
GUIDE_QUESTION = re.compile(r"(要|需要|得)办(什么|啥|哪些)(手续|证)|要(带|准备)(什么|啥|哪些)(材料|东西)?|"
                            r"需要(什么|哪些)材料|怎么(申请|办理)|去哪(儿|里)?办")
#: How-to and may-I questions (怎么弄, 能不能…, 可以…吗): information, unless they report a problem.
HOW_TO = re.compile(r"怎么|如何|咋|能不能|可不可以|可以.{0,10}吗|能.{0,10}吗|是不是要|要不要|需不需要")
#: Wanting something done for oneself or a relative (想给他办个残疾证): a service, not a complaint.
WANTS_SERVICE = re.compile(r"(想|要|准备|打算)(给.{1,4})?(办|申请|领|考|注册|认定)(个|一个|张|一张|下)?")
#: A how-to question is answered from the catalogue when its search is this sure of the item.
SURE_OF_ITEM = 0.6
CHANNELS = {"wechat": "微信", "rest": "网页", "socketio": "网页"}
#: The WeChat callback (wechat/bot_bridge.py) talks to the REST channel with senders "wx:<openid>".
WECHAT_SENDER_PREFIX = "wx:"
ENGLISH_ASK_PHONE = ("Thank you. May we have a phone number so that the department can reply to you? "
                     "You may say no (the complaint is filed either way).")
FORM_SLOTS = ("complaint_text", "complaint_place", "contact", "complaint_kind", "complaint_title")


def channel_of(tracker: Tracker) -> str:
    if tracker.sender_id.startswith(WECHAT_SENDER_PREFIX):
        return "微信"
    return CHANNELS.get(tracker.get_latest_input_channel() or "", "网页")


def place_of(tracker: Tracker, text: str) -> Optional[str]:
    """A place the message names: a street with its number, else the extractor's confident place entity,
    else a street/estate pattern."""
    pattern = wording.place_in(text)
    if pattern and ("号" in pattern or wording.CROSSING.search(pattern)):
        return pattern  # a street number or a crossing says more than the extractor's place
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "place" and (entity.get("confidence_entity") or 1.0) >= 0.6:
            value = str(entity.get("value") or "").strip()
            if len(value) >= 2 and value in text:
                return value
    return wording.place_in(text)


def start_complaint_events(tracker: Tracker, kind: str, text: str) -> List[Dict[Text, Any]]:
    """Slots from what the first message already says (problem, place, phone), then the form."""
    detail = OPENING.sub("", wording.clean(text)).strip()
    earlier = dropped_complaint(tracker) if RESUMING.search(text) else None
    if earlier:
        detail = f"{earlier}。{detail}"  # 还是给我登记投诉吧: the problem said before it was given up
    has_detail = len(detail) >= 6
    return [SlotSet("complaint_kind", kind), SlotSet("complaint_text", detail if has_detail else None),
            SlotSet("complaint_place", place_of(tracker, detail) if has_detail else None),
            SlotSet("contact", wording.phone_in(detail) if has_detail else None), SlotSet("complaint_title", None),
            FollowupAction("complaint_form")]


def letter_events(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """A long letter is summarised into a work order (the whole text kept); the form asks what it lacks."""
    letter = wording.summarise_letter(tracker.latest_message.get("text") or "")
    lines = ["您的来信我已收到，整理成工单如下（原文完整保留）：", f"· 问题：{letter.title}"]
    lines.append(f"· 地点：{letter.place}" if letter.place else "· 地点：信中未写明，稍后问您")
    lines.append(f"· 联系电话：{letter.contact}" if letter.contact else "· 联系电话：信中未留，稍后问您")
    dispatcher.utter_message(text="\n".join(lines))
    return [SlotSet("complaint_kind", "投诉"), SlotSet("complaint_text", letter.text),
            SlotSet("complaint_title", letter.title), SlotSet("complaint_place", letter.place),
            SlotSet("contact", letter.contact), FollowupAction("complaint_form")]


#: Taking back a complaint given up earlier in the conversation (还是给我登记投诉吧).
RESUMING = re.compile(r"还是(给我|帮我|要)?(登记|投诉|反映|举报|报)|重新(登记|投诉|反映)|(接着|继续)(投诉|反映|登记)")


def dropped_complaint(tracker: Tracker) -> Optional[str]:
    """The problem of a complaint left earlier in this conversation without an order being filed."""
    problem = None
    for event in tracker.events:
        if event.get("event") == "slot" and event.get("name") == "complaint_text" and event.get("value"):
            problem = event["value"]
        elif event.get("event") == "bot" and ((event.get("data") or {}).get("custom") or {}).get("ticket"):
            problem = None
    return problem


class ActionStartComplaint(Action):
    """Keep what the first message already says so it is not asked again; a past order is looked up instead."""

    def name(self) -> Text:
        return "action_start_complaint"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        text = tracker.latest_message.get("text") or ""
        if wording.is_letter(text):
            return letter_events(dispatcher, tracker)
        from actions.precheck import precheck_follow_up

        followed = precheck_follow_up(dispatcher, tracker)  # 平面图还没画: news for the pre-check under way
        if followed is not None:
            return followed + [FollowupAction("action_listen")]
        if GUIDE_QUESTION.search(text) or self.asks_for_information(text):
            from actions.guide import ActionAnswerItem

            return ActionAnswerItem().run(dispatcher, tracker, domain) + [FollowupAction("action_listen")]
        if wording.asks_after_past_order(text) or wording.order_reference(text).code or (
                tracker.get_slot("ticket_code") and URGE.search(text) and not wording.place_in(text)):
            from actions.status import ActionTicketStatus

            return ActionTicketStatus().run(dispatcher, tracker, domain) + [FollowupAction("action_listen")]
        events = start_complaint_events(tracker, "建议" if intent == "file_suggestion" else "投诉", text)
        return [e for e in events if e.get("event") != "followup"]

    @staticmethod
    def asks_for_information(text: str) -> bool:
        """"怎么领老人补贴" / "能不能先登记" ask about a service: no problem, no place, and the catalogue
        knows the item."""
        said = wording.clean(text)
        if not ((HOW_TO.search(said) or aspects_named(said)) and asks(said) or WANTS_SERVICE.search(said)):
            return False
        if wording.PROBLEM_WORDS.search(said) or wording.place_in(said) or len(said) > 80:
            return False
        from actions.guide import best_clause

        try:
            found = client.search(said)
            if not found.get("matches"):
                found = best_clause(said) or found  # 想给他办个残疾证 after a sentence about the father
        except ServiceUnavailable:
            return False
        from actions.guide import clear_lead

        return bool(found.get("matches")) and (
            found.get("decision") == "answer" and found.get("confidence", 0) >= SURE_OF_ITEM or clear_lead(found))


class ValidateComplaintForm(GuardedFormValidation):
    form_slots = FORM_SLOTS
    cancelled_text = "好的，已取消，没有提交任何工单。"

    def name(self) -> Text:
        return "validate_complaint_form"

    def said_so_far(self, tracker: Tracker) -> str:
        text, place = tracker.get_slot("complaint_text"), tracker.get_slot("complaint_place")
        requested = tracker.get_slot("requested_slot")  # holds the message itself, not what was told
        text = None if requested == "complaint_text" else text
        place = None if requested == "complaint_place" else place
        parts = [wording.clean(text)[:60] if text else "", f"地点：{place}" if place else ""]
        return "；".join(part for part in parts if part)

    def answers_questions_at(self, requested: str) -> bool:
        """The problem itself may be worded as a question (为什么路灯一直不修？): only later steps digress."""
        return requested != "complaint_text"

    def before_exits(self, dispatcher: CollectingDispatcher, tracker: Tracker, requested: str) -> Optional[List[Dict]]:
        text = wording.clean(tracker.latest_message.get("text"))
        place = wording.place_in(text)
        if requested == "contact" and place and "号" in place and not wording.phone_in(text):
            dispatcher.utter_message(text=f"好的，地点记为“{place}”。")  # 小区在城东大道56号: a better place
            return [SlotSet("complaint_place", place[:200]), SlotSet("contact", None)]
        if (requested == "contact" and (wording.refuses_contact(text) or wording.declines_without_number(text))
                and not wording.asks_for_person(text) and not CANCEL_ANYWHERE.search(text)):
            return [SlotSet("contact", NO_CONTACT)]
        return None

    def validate_complaint_text(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        text = OPENING.sub("", str(value).strip()).strip()  # a letter keeps its lines
        if len(wording.clean(text)) < 4:
            dispatcher.utter_message(text="请再具体说说是什么问题，便于转给承办部门。")
            return {"complaint_text": None}
        found: Dict[Text, Any] = {"complaint_text": text[:wording.LETTER_MAX_CHARS]}
        if not tracker.get_slot("complaint_place"):
            found["complaint_place"] = place_of(tracker, text)
        if not tracker.get_slot("contact") and wording.phone_in(text):
            found["contact"] = wording.phone_in(text)
        return found

    def validate_complaint_place(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        place = wording.clean(value)
        if tracker.get_slot("requested_slot") != "complaint_place":
            return {"complaint_place": place[:200] if wording.is_place(place) else None}
        if wording.is_english(place):
            dispatcher.utter_message(text=ENGLISH_ASK_PHONE)
            return {"complaint_place": place[:200]}
        if not wording.is_place(place):
            dispatcher.utter_message(text="没听出具体地点。请说一下在哪个街道、小区或哪条路，比如“湖滨路12号”；"
                                          "不想反映了可以说“取消”。")
            return {"complaint_place": None}
        return {"complaint_place": (wording.place_in(place) or place)[:200]}

    def validate_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        contact = wording.clean(value)
        if contact == NO_CONTACT or wording.refuses_contact(contact) or wording.declines_without_number(contact):
            return {"contact": NO_CONTACT}
        phone = wording.phone_in(contact)
        if phone:
            return {"contact": phone}
        if tracker.get_slot("requested_slot") != "contact":
            return {"contact": None}
        dispatcher.utter_message(text="电话号码格式好像不对，请输入11位手机号或带区号的座机号；不想留请回复“不留”。")
        return {"contact": None}


class ActionSubmitComplaint(Action):
    def name(self) -> Text:
        return "action_submit_complaint"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        text, contact = tracker.get_slot("complaint_text"), tracker.get_slot("contact")
        if not text or not contact:
            return []  # the form was left (取消 / 转人工): nothing to file
        kind = tracker.get_slot("complaint_kind") or "投诉"
        reset = [SlotSet(s, None) for s in FORM_SLOTS]
        try:
            ticket = client.create_ticket(
                text=text, channel=channel_of(tracker), place=tracker.get_slot("complaint_place"),
                contact=None if contact == NO_CONTACT else contact, ticket_type="建议" if kind == "建议" else None,
                title=tracker.get_slot("complaint_title"))
        except ServiceUnavailable:
            dispatcher.utter_message(text="抱歉，工单系统暂时无法访问，您的诉求没有提交成功，请稍后再试或拨打12345。")
            return reset
        code = ticket["feedback_code"]
        dispatcher.utter_message(
            text=f"已为您登记{kind}工单，编号 {ticket['id']}，查询码 {code}（请保存好，查进度和评价都要用它）。"
                 f"承办部门会在规定时限内处理，您可以随时发“查询码 {code}”给我查看进度。",
            json_message={"ticket": {"id": ticket["id"], "feedback_code": code, "query_code": code}})
        if wording.is_english(text):
            from actions.guide import ENGLISH_ORDER

            dispatcher.utter_message(text=ENGLISH_ORDER.format(number=ticket["id"], code=code))
        return reset + [SlotSet("ticket_no", str(ticket["id"])), SlotSet("ticket_code", code),
                        SlotSet("topic", "order")]


__all__ = ["ASK_CODE", "ActionStartComplaint", "ActionSubmitComplaint", "ValidateComplaintForm", "channel_of",
           "letter_events", "start_complaint_events"]
