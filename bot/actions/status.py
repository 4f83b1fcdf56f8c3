"""A work order's progress, as a citizen may see it: status and deadline, not its contents."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.service_client import ServiceUnavailable, client

STAGES = {"受理": "已受理，等待派单", "转办": "已转交承办部门", "办理": "承办部门正在办理",
          "反馈": "承办部门已答复，等待您评价", "办结": "已办结"}


class ActionTicketStatus(Action):
    def name(self) -> Text:
        return "action_ticket_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        number = next(tracker.get_latest_entity_values("ticket_no"), None) or tracker.get_slot("ticket_no")
        if not number or not str(number).isdigit():
            dispatcher.utter_message(text="请告诉我工单编号，比如“查一下工单12”。")
            return []
        try:
            ticket = client.ticket(int(number))
        except ServiceUnavailable:
            dispatcher.utter_message(text="抱歉，工单系统暂时无法访问，请稍后再试。")
            return []
        if ticket is None:
            dispatcher.utter_message(text=f"没有查到编号为 {number} 的工单，请核对编号。")
            return [SlotSet("ticket_no", None)]
        due = ticket["completion_due"][:16].replace("T", " ")
        text = f"工单 {number}：{STAGES.get(ticket['status'], ticket['status'])}，办结时限 {due}。"
        if ticket.get("overdue"):
            text += "该工单已超期，已列入督办。"
        dispatcher.utter_message(text=text)
        return [SlotSet("ticket_no", str(number))]
