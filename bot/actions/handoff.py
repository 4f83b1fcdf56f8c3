"""转人工: on request or after two misunderstandings, with the transcript for the operator."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint import channel_of
from actions.service_client import ServiceUnavailable, client

MAX_TURNS = 30


def transcript(tracker: Tracker) -> List[Dict[str, str]]:
    turns = [{"speaker": e["event"], "text": e.get("text") or ""} for e in tracker.events
             if e.get("event") in ("user", "bot") and e.get("text")]
    return turns[-MAX_TURNS:]


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> None:
    try:
        client.handoff(tracker.sender_id, channel_of(tracker), reason, transcript(tracker))
    except ServiceUnavailable:
        dispatcher.utter_message(text="抱歉，人工客服暂时无法接入，请拨打12345热线。")
        return
    dispatcher.utter_message(response="utter_handoff")


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
        hand_over(dispatcher, tracker, "requested")
        return []


class ActionFallback(Action):
    """The first misunderstanding asks to rephrase; the second in a row brings a human."""

    def name(self) -> Text:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if consecutive_fallbacks(tracker) >= 2:
            hand_over(dispatcher, tracker, "fallback")
            return []
        dispatcher.utter_message(response="utter_default")
        return [UserUtteranceReverted()]
