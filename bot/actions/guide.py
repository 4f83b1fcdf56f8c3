"""Answer service-guide questions from the catalogue, asking back when two items are close."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.service_client import ServiceUnavailable, client

#: Which part of the guide each question intent asks for.
ASPECTS = {
    "ask_materials": "materials",
    "ask_conditions": "conditions",
    "ask_time_limit": "time_limit",
    "ask_fee": "fee",
    "ask_place": "place",
    "ask_online": "online",
    "inform_item": "all",
}

SORRY = "抱歉，办事指南服务暂时无法访问，请稍后再试，或拨打12345咨询。"


def item_query(tracker: Tracker) -> Optional[str]:
    """The item the citizen means: an entity in this message, else the item under discussion."""
    entity = next(tracker.get_latest_entity_values("service_item"), None)
    return entity or tracker.get_slot("service_item")


def search_item(tracker: Tracker) -> Dict[str, Any]:
    """Search the catalogue for the item; when the item's words find nothing, for the whole message.

    A typo can cut the extracted item short (办营业执找要带什么 gives 执找), while the matcher's
    character n-grams still find 营业执照 in the full sentence.
    """
    query = item_query(tracker)
    text = tracker.latest_message.get("text") or ""
    found = client.search(query or text)
    if not found["matches"] and query and text and text != query:
        found = client.search(text)
    return found


def choice_buttons(matches: List[Dict[str, Any]], intent: str) -> List[Dict[str, str]]:
    return [{"title": m["name"], "payload": f'/{intent}{{"service_item": "{m["name"]}"}}'} for m in matches]


class ActionAnswerItem(Action):
    def name(self) -> Text:
        return "action_answer_item"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = tracker.latest_message.get("intent", {}).get("name") or "inform_item"
        aspect = ASPECTS.get(intent, "all")
        try:
            found = search_item(tracker)
            matches = found["matches"]
            if not matches:
                dispatcher.utter_message(text="没有找到您说的事项，请换个说法，比如“办护照”“小孩上户口”。")
                return [SlotSet("service_item", None)]
            if found["ambiguous"]:
                dispatcher.utter_message(text="您问的是下面哪一项？", buttons=choice_buttons(matches, intent))
                return [SlotSet("service_item", None)]
            best = matches[0]
            answer = client.item(best["code"], aspect)
        except ServiceUnavailable:
            dispatcher.utter_message(text=SORRY)
            return []
        dispatcher.utter_message(text=answer["text"])
        return [SlotSet("service_item", best["name"]), SlotSet("item_code", best["code"])]
