"""好差评 and the bot's learning loop, bot side (contract sections 2 and 3).

Every catalogue answer, fallback and low-confidence turn is posted to the main service so a trainer can
review it; a rateable answer carries ``custom.rate`` for the web chat's 满意 / 不满意 buttons, and in
WeChat a line asking for a numbered reply, which ``action_rate`` maps to a rating.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.cues import rating_in
from actions.service_client import client

#: Below this intent confidence an answered turn is also a candidate for the trainer.
LOW_CONFIDENCE = 0.6
WECHAT_SENDER_PREFIX = "wx:"
WECHAT_RATE_LINE = "回复 1 满意，2 不满意"


def channel_name(tracker: Tracker) -> str:
    return "wechat" if tracker.sender_id.startswith(WECHAT_SENDER_PREFIX) else "web"


def record_turn(tracker: Tracker, kind: str, bot_reply: str, item_code: Optional[str] = None) -> str:
    """Post the turn for the trainer; returns its id (the rating points at it)."""
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    confidence = float(intent.get("confidence") or 0.0)
    if kind == "answer" and confidence < LOW_CONFIDENCE:
        kind = "low_confidence"
    turn_id = uuid.uuid4().hex
    entities = [{k: e.get(k) for k in ("entity", "value", "start", "end")} for e in message.get("entities") or []]
    client.post_turn({"conversation_id": tracker.sender_id, "channel": channel_name(tracker),
                      "text": (message.get("text") or "")[:5000], "intent": intent.get("name"),
                      "confidence": round(confidence, 4), "entities": entities, "item_code": item_code,
                      "kind": kind, "bot_reply": bot_reply[:5000], "turn_id": turn_id})
    return turn_id


def offer_rating(dispatcher: CollectingDispatcher, tracker: Tracker, turn_id: str,
                 item_code: Optional[str]) -> None:
    """The rating handle right after a rateable answer: buttons in /chat, a numbered reply in WeChat."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    dispatcher.utter_message(json_message={"rate": {"turn_id": turn_id, "intent": intent, "item_code": item_code}})
    if channel_name(tracker) == "wechat":
        dispatcher.utter_message(text=WECHAT_RATE_LINE)


def answer_rated(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, item_code: Optional[str],
                 **extra: Any) -> str:
    """Say a catalogue answer, post it as a turn and offer the rating."""
    dispatcher.utter_message(text=text, **extra)
    turn_id = record_turn(tracker, "answer", text, item_code)
    offer_rating(dispatcher, tracker, turn_id, item_code)
    return turn_id


def last_rateable_turn(tracker: Tracker) -> Optional[str]:
    """The turn id of the bot's answer just before this message, if that answer could be rated."""
    seen_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return None
            seen_user = True
        elif kind == "bot" and seen_user:
            rate = ((event.get("data") or {}).get("custom") or {}).get("rate")
            if rate and rate.get("turn_id"):
                return rate["turn_id"]
    return None


class ActionRate(Action):
    """A bare 1 / 2 (or 满意 / 不满意, a reason may follow) right after a rateable answer is that answer's
    rating; "没用，转人工" is rated and handed over."""

    def name(self) -> Text:
        return "action_rate"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        rating = rating_in(tracker.latest_message.get("text") or "")
        turn_id = last_rateable_turn(tracker)
        if rating is None or turn_id is None:
            dispatcher.utter_message(text="请问您想办理或咨询什么事？可以直接说，比如“办护照要带什么”。")
            return []
        client.rate(tracker.sender_id, turn_id, rating)
        if wording.asks_for_person(tracker.latest_message.get("text") or ""):
            from actions.handoff import hand_over

            return hand_over(dispatcher, tracker, "requested")
        if rating == "satisfied":
            dispatcher.utter_message(text="感谢您的评价！还有其他问题可以随时问我。")
        else:
            dispatcher.utter_message(text="抱歉没能帮到您，我们会改进。您可以换个说法再问，或回复“转人工”。")
        return []
