"""Complaints and suggestions become hotline work orders through the main service."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.service_client import ServiceUnavailable, client

#: The opening words of a complaint, which say nothing about the problem itself.
OPENING = re.compile(r"^(你好|您好|喂)?[，,]?(我要|我想|想)?"
                     r"(投诉|举报|反映(一下)?(问题)?|提(个|点)?(建议|意见)|建议)[，,：:。]?")
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
NO_CONTACT = re.compile(r"^(不留|不用|不需要|不想留|算了|匿名)")
CHANNELS = {"wechat": "微信", "rest": "网页", "socketio": "网页"}
#: The WeChat callback (wechat/bot_bridge.py) talks to the REST channel with senders "wx:<openid>".
WECHAT_SENDER_PREFIX = "wx:"


def channel_of(tracker: Tracker) -> str:
    if tracker.sender_id.startswith(WECHAT_SENDER_PREFIX):
        return "微信"
    return CHANNELS.get(tracker.get_latest_input_channel() or "", "网页")


class ActionStartComplaint(Action):
    """Keep what the first message already says (the problem, the place) so it is not asked again."""

    def name(self) -> Text:
        return "action_start_complaint"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        text = (tracker.latest_message.get("text") or "").strip()
        detail = OPENING.sub("", text).strip()
        events = [SlotSet("complaint_kind", "建议" if intent == "file_suggestion" else "投诉"),
                  SlotSet("complaint_text", detail if len(detail) >= 6 else None),
                  SlotSet("complaint_place", next(tracker.get_latest_entity_values("place"), None)),
                  SlotSet("contact", None)]
        return events


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_complaint_form"

    def validate_complaint_text(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        text = OPENING.sub("", str(value or "")).strip()
        if len(text) < 4:
            dispatcher.utter_message(text="请再具体说说是什么问题，便于转给承办部门。")
            return {"complaint_text": None}
        return {"complaint_text": text}

    def validate_complaint_place(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        place = str(value or "").strip()
        return {"complaint_place": place[:200] if len(place) >= 2 else None}

    def validate_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> Dict[Text, Any]:
        contact = re.sub(r"\s", "", str(value or ""))
        if NO_CONTACT.match(contact):
            return {"contact": "不留"}
        digits = re.sub(r"[^\d-]", "", contact)
        if PHONE.match(digits):
            return {"contact": digits}
        dispatcher.utter_message(text="电话号码格式好像不对，请输入11位手机号或带区号的座机号；不想留请回复“不留”。")
        return {"contact": None}


class ActionSubmitComplaint(Action):
    def name(self) -> Text:
        return "action_submit_complaint"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        contact = tracker.get_slot("contact")
        kind = tracker.get_slot("complaint_kind") or "投诉"
        reset = [SlotSet(s, None) for s in ("complaint_text", "complaint_place", "contact", "complaint_kind")]
        try:
            ticket = client.create_ticket(
                text=tracker.get_slot("complaint_text") or "", channel=channel_of(tracker),
                place=tracker.get_slot("complaint_place"), contact=None if contact == "不留" else contact,
                ticket_type="建议" if kind == "建议" else None)
        except ServiceUnavailable:
            dispatcher.utter_message(text="抱歉，工单系统暂时无法访问，您的诉求没有提交成功，请稍后再试或拨打12345。")
            return reset
        dispatcher.utter_message(
            text=f"已为您登记{kind}工单，编号 {ticket['id']}，查询码 {ticket['feedback_code']}。"
                 f"承办部门会在规定时限内处理，您可以随时问我“工单{ticket['id']}进度”。",
            json_message={"ticket": {"id": ticket["id"], "feedback_code": ticket["feedback_code"]}})
        return reset + [SlotSet("ticket_no", str(ticket["id"]))]
