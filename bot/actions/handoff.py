"""转人工: on request or after two misunderstandings, with the transcript for the operator.

The citizen is told what happens next: in working hours that the request is queued and a person will
reply here; outside them that nobody is in until the next opening, and that they may leave a message,
go on with the bot or call the hotline (hours in handoff.yml). While the request waits (待接入) the bot
still answers questions, files complaints and says where the wait stands; what is neither is kept as a
message for the person. Once a person has taken the conversation (已接入, checked with
``GET /api/handoffs/{id}``) the bot is quiet until the operator closes it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.cues import asks, aspects_named
from actions.service_client import ServiceUnavailable, client
from actions.turns import record_turn

MAX_TURNS = 30
#: Without the words (转人工, 人工客服…) a handoff needs the NLU this sure (派人去查 is not a request for one).
SURE_OF_PERSON = 0.9
#: Handoff states in which a person has (or is about to take) the conversation.
OPEN_STATES = {"待接入", "已接入"}
WAITING = "待接入"
STILL_WITH_PERSON = "人工客服正在和您对话，请直接回复工作人员。"
HOURS: Dict[str, Any] = yaml.safe_load((Path(__file__).with_name("handoff.yml")).read_text(encoding="utf-8"))
CHINA = timezone(timedelta(hours=HOURS["utc_offset_hours"]))
WEEKDAYS = "一二三四五六日"
#: Asking about the wait (还要等多久 / 怎么还没人 / 有人吗), not about a service.
WAIT_ASK = re.compile(r"等(多久|多长|几分钟|到什么时候|了?(好久|半天|很久|这么久))|还(要|得)等|怎么还没(人|回|接|来)|"
                      r"人呢|有人(吗|在吗|没|不)|没人(回|理|接|管|说话)|还没(人|接通|接|回复|回)|什么时候(有人|接|回)|"
                      r"排(到|第)|^(还)?在吗")
#: Going on with the bot instead of waiting (算了 你先… / 不等了 / 人工太慢).
GO_ON = re.compile(r"不等了|算了|(你|您)先|先(问|告诉|帮|给)|太慢|等不及|等不了")
SERVICE_INTENTS = {"ask_materials", "ask_conditions", "ask_time_limit", "ask_fee", "ask_place", "ask_online",
                   "inform_item", "start_precheck", "ask_ticket_status", "faq"}
#: The intent's confidence above which a message while waiting is taken as that request to the bot.
SURE_OF_REQUEST = 0.6
#: What a message said while a person had the conversation leads to, once the handoff is closed.
RESUME = {"greet": "utter_greet", "thank": "utter_thank", "goodbye": "utter_goodbye",
          "ask_materials": "action_answer_item", "ask_conditions": "action_answer_item",
          "ask_time_limit": "action_answer_item", "ask_fee": "action_answer_item", "ask_place": "action_answer_item",
          "ask_online": "action_answer_item", "inform_item": "action_answer_item",
          "ask_ticket_status": "action_ticket_status", "request_human": "action_handoff",
          "start_precheck": "precheck_form", "faq": "utter_faq"}
MEANWHILE = "人工客服接入之前，我先回答您："


def clock() -> datetime:
    """Now, in China time."""
    return datetime.now(CHINA)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def staffed(now: datetime) -> bool:
    """Whether people answer handoffs at this moment."""
    minute = now.hour * 60 + now.minute
    return (now.isoweekday() in HOURS["working_days"]
            and _minutes(HOURS["opens"]) <= minute < _minutes(HOURS["closes"]))


def next_opening(now: datetime) -> str:
    """When people answer next, in words (今天 9:00 / 明天（周一）9:00 / 周一 9:00)."""
    opens = _minutes(HOURS["opens"])
    for days in range(0, 8):
        day = now + timedelta(days=days)
        if day.isoweekday() not in HOURS["working_days"]:
            continue
        if days == 0 and now.hour * 60 + now.minute >= opens:
            continue
        name = {0: "今天", 1: f"明天（周{WEEKDAYS[day.isoweekday() - 1]}）"}.get(days,
                                                                           f"周{WEEKDAYS[day.isoweekday() - 1]}")
        return f"{name} {HOURS['opens'].lstrip('0')}"
    return HOURS["hours_text"]


def queued_text(now: datetime) -> str:
    """What the citizen is told when handed over, and again when they ask about the wait."""
    if staffed(now):
        return ("已为您转接人工客服，正在排队；工作人员接入后会在这里直接回复您，并能看到我们刚才的对话。"
                f"我这里看不到前面还有几位，没法说准要等多久；等待时您也可以继续问我，或拨打{HOURS['hotline']}。")
    return (f"现在不是人工客服的工作时间（{HOURS['hours_text']}），{next_opening(now)}才会有工作人员接入。您可以：\n"
            "1. 直接把要说的事发给我，我记作留言转给人工客服，工作人员上班后会看到（需要回电请留个电话）；\n"
            "2. 继续问我，办事指南、材料预审、反映问题我都能办；\n"
            f"3. 急事请拨打{HOURS['hotline']}。")


def transcript(tracker: Tracker) -> List[Dict[str, str]]:
    turns = [{"speaker": e["event"], "text": (e.get("text") or "")[:4000]} for e in tracker.events
             if e.get("event") in ("user", "bot") and e.get("text")]
    return turns[-MAX_TURNS:]


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> List[Dict[Text, Any]]:
    from actions.complaint import channel_of

    try:
        handoff = client.handoff(tracker.sender_id, channel_of(tracker), reason, transcript(tracker))
        if not (handoff or {}).get("id"):
            raise ServiceUnavailable("no handoff created")
    except ServiceUnavailable:
        dispatcher.utter_message(text=f"抱歉，人工客服暂时无法接入，请拨打{HOURS['hotline']}；也可以继续问我。")
        return []
    dispatcher.utter_message(text=queued_text(clock()))
    return [SlotSet("handoff_id", handoff["id"]), SlotSet("with_person", True)]


def consecutive_fallbacks(tracker: Tracker) -> int:
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        text = tracker.latest_message.get("text") or ""
        confidence = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)
        if not wording.asks_for_person(text) and confidence < SURE_OF_PERSON and not text.startswith("/"):
            if just_filed(tracker):
                return self.about_the_order(dispatcher, tracker, domain, text)
            dispatcher.utter_message(text="需要为您转人工客服吗？需要的话请回复“转人工”。")
            return []
        return hand_over(dispatcher, tracker, "requested")


    @staticmethod
    def about_the_order(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any],
                        text: str) -> List[Dict]:
        """说了不留！你们直接派人去查就行 right after filing: about the order, not a request for a person."""
        from actions.complaint import refuses_phone
        from actions.status import ActionTicketStatus

        if refuses_phone(text) or re.search(r"派人|去查|去看|现场", text):
            dispatcher.utter_message(text="好的，不留电话也没关系，工单已经登记，承办部门会按工单上的地点去现场核查处理。")
            return []
        return ActionTicketStatus().run(dispatcher, tracker, domain)


def just_filed(tracker: Tracker) -> bool:
    """The bot's messages right before this one filed a work order."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return False
            seen_user = True
        elif event.get("event") == "bot" and seen_user and ((event.get("data") or {}).get("custom") or {}).get(
                "ticket"):
            return True
    return False


class ActionHandoffWait(Action):
    """Every message after 转人工: while the request waits the bot says where the wait stands, answers and
    files as usual, and keeps anything else as a message for the person; while a person has the
    conversation it only says so; once the handoff is closed it answers again."""

    def name(self) -> Text:
        return "action_handoff_wait"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        handoff_id = tracker.get_slot("handoff_id")
        try:
            state = client.handoff_state(int(handoff_id)) if handoff_id else None
        except (ServiceUnavailable, ValueError):
            dispatcher.utter_message(text=f"抱歉，人工客服系统暂时无法访问，请拨打{HOURS['hotline']}。")
            return [SlotSet("handoff_id", None), SlotSet("with_person", False)]
        if state is not None and state.get("status") == WAITING:
            return self.while_waiting(dispatcher, tracker, int(handoff_id), domain)
        if state is None or state.get("status") in OPEN_STATES:
            # None: the service cannot say (no such handoff known to it): stay with the person until the
            # session expires rather than talk over an operator.
            dispatcher.utter_message(text=STILL_WITH_PERSON)
            return []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        events: List[Dict[Text, Any]] = [SlotSet("handoff_id", None), SlotSet("with_person", False)]
        follow = self.request_to_bot(tracker)
        if follow:
            return events + follow
        follow_action = RESUME.get(intent or "")
        if follow_action:
            return events + [FollowupAction(follow_action)]
        dispatcher.utter_message(text="人工客服已结束接待，我是小助手，请问还有什么可以帮您？")
        return events

    @staticmethod
    def answer_now(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any],
                   follow: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        """Run the answering action here and listen (after a follow-up action the rules do not see past this
        one, and the next prediction may be a fallback)."""
        from actions.guide import ActionAnswerItem
        from actions.status import ActionTicketStatus

        actions = {"action_answer_item": ActionAnswerItem, "action_ticket_status": ActionTicketStatus}
        name = follow[-1].get("name")
        if name not in actions:
            return follow
        return actions[name]().run(dispatcher, tracker, domain) + [FollowupAction("action_listen")]

    def while_waiting(self, dispatcher: CollectingDispatcher, tracker: Tracker, handoff_id: int,
                      domain: Dict[Text, Any]) -> List[Dict]:
        text = wording.clean(tracker.latest_message.get("text"))
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        asks_wait = WAIT_ASK.search(text) and not wording.item_entities(tracker.latest_message.get("entities") or [])
        if not GO_ON.search(text) and (asks_wait or wording.asks_for_person(text) or intent == "request_human"):
            dispatcher.utter_message(text=wait_text(clock(), said_before=waited_before(tracker)))
            return []
        follow = self.request_to_bot(tracker)
        if follow:
            starts_form = any(e.get("event") == "followup" and e.get("name") == "complaint_form" for e in follow)
            if starts_form:
                dispatcher.utter_message(text="好的，我先帮您登记，转人工的请求也给您留着。")
            elif not said_meanwhile(tracker):
                dispatcher.utter_message(text=MEANWHILE)
            return follow if starts_form else self.answer_now(dispatcher, tracker, domain, follow)
        if GO_ON.search(text) and len(text) <= 12:
            dispatcher.utter_message(text="好的，转人工的请求我给您留着，工作人员接入后会在这里回复您。"
                                          "现在请直接说您要办的事或要问的问题。")
            return []
        if intent in ("greet", "thank", "goodbye", "affirm", "deny", "chitchat") and len(text) <= 12:
            dispatcher.utter_message(text="好的。工作人员接入后会在这里回复您；有问题也可以直接问我。")
            return []
        keep_message(tracker, handoff_id)
        dispatcher.utter_message(text="已把您这段话作为留言转给人工客服，工作人员接入后会看到。"
                                      "有问题也可以直接问我。")
        return []

    @staticmethod
    def request_to_bot(tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
        """What the bot does for a message that asks it something (a service question, a status, a
        complaint, 先帮我登记 a complaint given up for the handoff); None for anything else."""
        from actions.complaint import RESUMING, dropped_complaint, start_complaint_events

        text = wording.clean(tracker.latest_message.get("text"))
        intent = tracker.latest_message.get("intent") or {}
        name, confidence = intent.get("name") or "", float(intent.get("confidence") or 0.0)
        earlier = dropped_complaint(tracker)
        if RESUMING.search(text) and earlier:
            return start_complaint_events(tracker, "投诉", earlier)  # 你先帮我登记吧: the problem said before
        if name in ("file_complaint", "file_suggestion") and confidence >= SURE_OF_REQUEST:
            return start_complaint_events(tracker, "建议" if name == "file_suggestion" else "投诉", text)
        if wording.order_reference(text).code:
            return [FollowupAction("action_ticket_status")]
        if name in SERVICE_INTENTS and confidence >= SURE_OF_REQUEST or asks(text) and (
                aspects_named(text) or wording.item_entities(tracker.latest_message.get("entities") or [])):
            return [FollowupAction(RESUME.get(name) or "action_answer_item")]
        if asks(text) and GO_ON.search(text):
            return [FollowupAction("action_answer_item")]
        return None


def wait_text(now: datetime, said_before: bool) -> str:
    """Where the wait stands; said a second time, shortly and with the ways not to wait."""
    if not said_before:
        return queued_text(now)
    if staffed(now):
        return (f"还在排队，工作人员一接入就会在这里回复您。不想等的话：直接问我，或拨打{HOURS['hotline']}。")
    return (f"现在没有工作人员在线，{next_opening(now)}上班后才能接入。您可以把要说的事发给我作为留言，"
            f"或者直接问我；急事请拨打{HOURS['hotline']}。")


def waited_before(tracker: Tracker) -> bool:
    """Whether the bot has already told this citizen where the wait stands (the handoff itself did)."""
    shown = [e.get("text") or "" for e in tracker.events if e.get("event") == "bot"]
    return any("工作人员接入" in text or "工作人员上班" in text for text in shown)


def said_meanwhile(tracker: Tracker) -> bool:
    return any((e.get("text") or "") == MEANWHILE for e in tracker.events if e.get("event") == "bot")


def keep_message(tracker: Tracker, handoff_id: int) -> None:
    """The message joins the waiting handoff's transcript (the service keeps one open handoff per
    conversation and replaces its transcript)."""
    from actions.complaint import channel_of

    try:
        client.handoff(tracker.sender_id, channel_of(tracker), "requested", transcript(tracker))
    except ServiceUnavailable:
        pass




def answer_from_catalogue(dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: Dict[Text, Any]) -> Optional[List[Dict]]:
    """What the NLU did not understand may still be about materials of the pre-check under way, an aspect
    of the item under discussion (收钱不), or an item the catalogue search finds."""
    from actions.guide import ActionAnswerItem, search_is_sure
    from actions.precheck import precheck_follow_up

    text = wording.clean(tracker.latest_message.get("text"))
    followed = precheck_follow_up(dispatcher, tracker)
    if followed is not None:
        return followed
    if tracker.get_slot("item_code") and len(text) <= 30 and aspects_named(text):
        return ActionAnswerItem().run(dispatcher, tracker, domain)
    try:
        found = client.search(text)
    except ServiceUnavailable:
        return None
    if found.get("matches") and (found.get("ambiguous") or (
            search_is_sure(found))):
        return ActionAnswerItem().run(dispatcher, tracker, domain)
    return None


class ActionFallback(Action):
    """A letter becomes a work order; English gets a hint; otherwise the first misunderstanding asks to
    rephrase and the second in a row brings a human."""

    def name(self) -> Text:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.guide import letter_or_english

        redirected = letter_or_english(dispatcher, tracker)
        if redirected is not None:
            return redirected
        answered = answer_from_catalogue(dispatcher, tracker, domain)
        if answered is not None:
            return answered
        if consecutive_fallbacks(tracker) >= 2:
            record_turn(tracker, "fallback", "（转人工）")
            return hand_over(dispatcher, tracker, "fallback")
        dispatcher.utter_message(response="utter_default")
        record_turn(tracker, "fallback", "抱歉，我没太听懂。")
        return [UserUtteranceReverted()]
