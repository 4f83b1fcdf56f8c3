"""转人工: on request or after two misunderstandings, with the transcript for the operator.

While the handoff is open the bot is paused for that conversation: it only says that a person is
handling it (contract section 4), checking ``GET /api/handoffs/{id}``; once the operator closes it,
the bot answers again.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.cues import aspects_named
from actions.service_client import ServiceUnavailable, client
from actions.turns import record_turn

MAX_TURNS = 30
#: Without the words (转人工, 人工客服…) a handoff needs the NLU this sure (派人去查 is not a request for one).
SURE_OF_PERSON = 0.9
#: Handoff states in which a person has (or is about to take) the conversation.
OPEN_STATES = {"待接入", "已接入"}
STILL_WITH_PERSON = "人工客服正在处理，请稍候。"
#: What a message said while a person had the conversation leads to, once the handoff is closed.
RESUME = {"greet": "utter_greet", "thank": "utter_thank", "goodbye": "utter_goodbye",
          "ask_materials": "action_answer_item", "ask_conditions": "action_answer_item",
          "ask_time_limit": "action_answer_item", "ask_fee": "action_answer_item", "ask_place": "action_answer_item",
          "ask_online": "action_answer_item", "inform_item": "action_answer_item",
          "ask_ticket_status": "action_ticket_status", "request_human": "action_handoff"}


def transcript(tracker: Tracker) -> List[Dict[str, str]]:
    turns = [{"speaker": e["event"], "text": (e.get("text") or "")[:4000]} for e in tracker.events
             if e.get("event") in ("user", "bot") and e.get("text")]
    return turns[-MAX_TURNS:]


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> List[Dict[Text, Any]]:
    from actions.complaint import channel_of

    try:
        handoff = client.handoff(tracker.sender_id, channel_of(tracker), reason, transcript(tracker))
    except ServiceUnavailable:
        dispatcher.utter_message(text="抱歉，人工客服暂时无法接入，请拨打12345热线。")
        return []
    dispatcher.utter_message(response="utter_handoff")
    return [SlotSet("handoff_id", (handoff or {}).get("id")), SlotSet("with_person", True)]


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
            dispatcher.utter_message(text="需要为您转人工客服吗？需要的话请回复“转人工”。")
            return []
        return hand_over(dispatcher, tracker, "requested")


class ActionHandoffWait(Action):
    """Every message while a person has the conversation: a short note, or back to the bot once closed."""

    def name(self) -> Text:
        return "action_handoff_wait"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        handoff_id = tracker.get_slot("handoff_id")
        try:
            state = client.handoff_state(int(handoff_id)) if handoff_id else None
        except (ServiceUnavailable, ValueError):
            dispatcher.utter_message(text=STILL_WITH_PERSON)
            return []
        if state is None or state.get("status") in OPEN_STATES:
            # None: the service cannot say (no such handoff known to it): stay with the person until the
            # session expires rather than talk over an operator.
            dispatcher.utter_message(text=STILL_WITH_PERSON)
            return []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        events: List[Dict[Text, Any]] = [SlotSet("handoff_id", None), SlotSet("with_person", False)]
        follow = RESUME.get(intent or "")
        if follow:
            return events + [FollowupAction(follow)]
        dispatcher.utter_message(text="人工客服已结束接待，我是小助手，请问还有什么可以帮您？")
        return events


#: A fallback is answered from the catalogue when its search is this sure of an item.
CATALOGUE_SURE = 0.6


def answer_from_catalogue(dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: Dict[Text, Any]) -> Optional[List[Dict]]:
    """What the NLU did not understand may still be about materials of the pre-check under way, an aspect
    of the item under discussion (收钱不), or an item the catalogue search finds."""
    from actions.guide import ActionAnswerItem
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
            found.get("decision") == "answer" and found.get("confidence", 0) >= CATALOGUE_SURE)):
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
