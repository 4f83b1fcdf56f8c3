"""A work order's progress, looked up only by the 查询码 its holder was given (POST /api/citizen/lookup).

Numbers inside other sentences (人民路120号, 0710, the start of a phone number) are never read as
order numbers; without a 查询码 the bot asks for it once, or uses the one of the order filed in this
conversation. 催办 (urging) is registered with a person (a handoff whose transcript names the order,
the only channel through which the bot can reach staff), for the order filed here, the one the
citizen gave a 查询码 for, or one they can only name by its number.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.cues import asks_if_filed
from actions.service_client import ServiceUnavailable, client

STAGES = {"受理": "已受理，等待派单", "转办": "已转交承办部门", "办理": "承办部门正在办理",
          "反馈": "承办部门已答复，等待您评价", "办结": "已办结"}
ASK_CODE = ("请告诉我工单的查询码（登记时给您的一串字母和数字，如“查询码 3f9a0c1d2b4e5f60”），"
            "可以连同工单编号一起发给我。为保护隐私，只凭编号不能查询。")
#: Urging an order along (催办): the bot cannot speed it up, so it says what happens next and who can.
URGE = re.compile(r"催(一下|一催|办|促|催|下)?|加急|抓紧|快点(处理|办)|尽快(处理|办)|怎么还没|咋还没|"
                  r"还没(处理|办|修|解决)(完|好)?")
#: Asking that the complainant stay unknown to the other side (别告诉他们是谁投诉的).
CONFIDENTIAL = re.compile(r"别告诉|不要告诉|保密|匿名|不想让.{0,8}知道|别让.{0,8}知道|怕.{0,6}报复")
CONFIDENTIAL_NOTE = "您的姓名和联系方式只用于办理，不会透露给被反映的一方。"
#: "一个单还是几个单": how many orders the conversation's problems were filed as.
HOW_MANY_ORDERS = re.compile(r"(一|几|多少|两|好几)(个|张|份)(单|工单)")
NO_SUCH = "没有查到与这个查询码对应的工单，请核对查询码（和工单编号）后再试。"
#: Not having the 查询码 (没收到 / 找不到了 / 忘了).
LOST_CODE = re.compile(r"(查询码|码)[^，,。]{0,6}(找不到|没收到|没有|忘了|丢了|不记得|记不得|没记|弄丢)|"
                       r"(找不到|没收到|没给|忘了|丢了|不记得|记不得|没记)[^，,。]{0,4}(查询码|码)|"
                       r"^(没有|没收到|找不到|不知道|忘了)[了啊呀吧]?$")
ASK_CODE_AGAIN_START = "请告诉我工单的查询码"


def order_text(order: Dict[str, Any]) -> str:
    due = (order.get("completion_due") or "")[:16].replace("T", " ")
    stage = order.get("status_label") or STAGES.get(order.get("status", ""), order.get("status", ""))
    text = f"工单 {order.get('ticket_no')}：{stage}"
    if order.get("department"):
        text += f"（{order['department']}）"
    if due:
        text += f"，办结时限 {due}"
    text += "。"
    if order.get("overdue"):
        text += "该工单已超期，已列入督办。"
    if order.get("reply"):
        text += f"\n答复：{order['reply']}"
    return text


def answer_order(dispatcher: CollectingDispatcher, tracker: Tracker, code: str, number: Optional[int]) -> List[Dict]:
    try:
        order = client.lookup(code, number, tracker.sender_id)
    except ServiceUnavailable:
        dispatcher.utter_message(text="抱歉，工单系统暂时无法访问，请稍后再试。")
        return []
    if order is None:
        dispatcher.utter_message(text=NO_SUCH)
        return []
    text = order_text(order)
    events = [SlotSet("topic", "order"), SlotSet("ticket_code", code)]  # "还要多久" next is about this order
    if URGE.search(tracker.latest_message.get("text") or "") and order.get("status") != "办结":
        dispatcher.utter_message(text=text)
        return events + urge(dispatcher, tracker, order.get("ticket_no"))
    dispatcher.utter_message(text=text)
    return events


def urge(dispatcher: CollectingDispatcher, tracker: Tracker, number: Optional[int]) -> List[Dict]:
    """催办 registered with a person: the handoff's transcript carries the request and the order's number."""
    from actions.complaint import channel_of
    from actions.handoff import HOURS, clock, next_opening, staffed, transcript

    named = f"（工单 {number}）" if number else ""
    try:
        handoff = client.handoff(tracker.sender_id, channel_of(tracker), "requested", transcript(tracker))
        if not (handoff or {}).get("id"):
            raise ServiceUnavailable("no handoff created")
    except ServiceUnavailable:
        dispatcher.utter_message(text=f"抱歉，现在无法为您登记催办，请拨打{HOURS['hotline']}，报上工单编号说明要催办。")
        return []
    now = clock()
    when = ("工作人员接入后也会在这里回复您。" if staffed(now) else
            f"现在是非工作时间，工作人员{next_opening(now)}上班后处理；急事请拨打{HOURS['hotline']}。")
    dispatcher.utter_message(text=f"已把您的催办请求{named}转给人工客服登记，工作人员核实后会督促承办部门尽快办理，"
                                  f"超过办结时限的工单也会自动列入督办。{when}")
    return [SlotSet("handoff_id", handoff["id"]), SlotSet("with_person", True)]


def number_said(tracker: Tracker) -> Optional[int]:
    """The order number the citizen gave in this conversation (单号 12 / 12号工单), the latest first."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            found = wording.ORDER_NO.search(wording.clean(event.get("text")))
            if found:
                return int(found.group(1) or found.group(2))
    return None


def asked_for_code(tracker: Tracker) -> bool:
    """Whether the bot has already asked this citizen for the 查询码."""
    return any((e.get("text") or "").startswith(ASK_CODE_AGAIN_START) or "找不到的话告诉我" in (e.get("text") or "")
               for e in tracker.events if e.get("event") == "bot")


def without_code(number: Optional[int]) -> str:
    """What a citizen without the 查询码 can do (said once the bot has asked for it)."""
    named = f"，报上工单编号 {number}" if number else "，报上工单编号或登记时留的电话"
    return ("没有查询码，我这边不能查看这张工单（为保护隐私，只凭编号查不了）。您可以：\n"
            "1. 回复“转人工”，由工作人员核实后帮您查询；要催办的话直接说“催一下”，我帮您转给工作人员登记；\n"
            f"2. 拨打12345热线（0710-12345）{named}，查询进度或催办。")


def looks_like_new_complaint(text: str) -> bool:
    """A message the NLU took for a status question that says nothing of one: a problem with an address."""
    said = wording.clean(text)
    return (len(said) >= 12 and not wording.asks_status(said) and not wording.PAST_ORDER.search(said)
            and bool(wording.place_in(said) or wording.LETTER_PROBLEM.search(said)))


class ActionTicketStatus(Action):
    def name(self) -> Text:
        return "action_ticket_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.complaint import start_complaint_events

        text = tracker.latest_message.get("text") or ""
        if wording.is_letter(text):
            from actions.complaint import letter_events

            return letter_events(dispatcher, tracker)  # a letter that asks to 催一催 is still a letter
        reference = wording.order_reference(text)
        if reference.code:
            return answer_order(dispatcher, tracker, reference.code, reference.number)
        number = wording.ORDER_NO.search(wording.clean(text))
        if looks_like_new_complaint(text) and not number:
            return start_complaint_events(tracker, "投诉", text)
        own = tracker.get_slot("ticket_code")
        if not own and URGE.search(text):
            return self.urge_without_code(dispatcher, tracker)
        if not own and tracker.get_slot("item_code") and not wording.asks_status(text) \
                and not wording.PAST_ORDER.search(text):
            from actions.guide import ActionAnswerItem

            return ActionAnswerItem().run(dispatcher, tracker, domain)  # 那要多久 about the item just discussed
        if own and not wording.PAST_ORDER.search(text):
            if CONFIDENTIAL.search(text):
                dispatcher.utter_message(text=CONFIDENTIAL_NOTE)
            if HOW_MANY_ORDERS.search(text):
                number = tracker.get_slot("ticket_no")
                dispatcher.utter_message(text=f"您这次反映的几件事都登记在同一张工单（编号 {number}）里，"
                                              "原文完整保留，承办部门会逐项处理、一并答复。")
            if asks_if_filed(text):
                dispatcher.utter_message(text=f"登记上了，工单编号 {tracker.get_slot('ticket_no')}。")
            events = answer_order(dispatcher, tracker, own, None)
            dispatcher.utter_message(text=f"您的查询码是 {own}，以后发“查询码 {own}”给我，随时可以查进度。")
            return events
        if LOST_CODE.search(wording.clean(text)):
            dispatcher.utter_message(text=without_code(number_said(tracker)))
            return []
        if number:  # the number given (again): the code is still needed, said in plain words
            said = number.group(1) or number.group(2)
            dispatcher.utter_message(text=f"收到，工单编号 {said}。为保护隐私，只凭编号不能查询，请再发一下登记时给您的"
                                          "查询码（一串字母和数字）；找不到的话告诉我，我告诉您别的办法。")
            return []
        if asked_for_code(tracker):
            dispatcher.utter_message(text=without_code(number_said(tracker)))
            return []
        dispatcher.utter_message(text=ASK_CODE)
        return []

    @staticmethod
    def urge_without_code(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict]:
        """催办 of an order the bot cannot look up: registered with a person when the citizen has said which
        order (its number) or has been asked for the code already; otherwise the code is asked for once."""
        number = number_said(tracker)
        if number or asked_for_code(tracker):
            return urge(dispatcher, tracker, number)
        dispatcher.utter_message(text="催办要先确认是哪张工单：请发一下登记时给您的查询码（一串字母和数字）或工单编号；"
                                      "找不到的话告诉我，我告诉您别的办法。")
        return []
