"""自助预审 form: which item, which materials the citizen has, then the one-time verdict."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.guide import SORRY, choice_buttons
from actions.service_client import ServiceUnavailable, client


class ValidatePrecheckForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_precheck_form"

    def validate_service_item(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        """Resolve the item; on success tell its full checklist first, so the citizen can compare."""
        try:
            found = client.search(str(value))
            matches = found["matches"]
            if not matches:
                dispatcher.utter_message(text=f"没有找到“{value}”这个事项，请换个说法。")
                return {"service_item": None}
            if found["ambiguous"]:
                dispatcher.utter_message(text="您要预审的是哪一项？", buttons=choice_buttons(matches, "inform_item"))
                return {"service_item": None}
            best = matches[0]
            guide = client.item(best["code"], "materials")
        except ServiceUnavailable:
            dispatcher.utter_message(text=SORRY)
            return {"service_item": None}
        dispatcher.utter_message(text=guide["text"])
        return {"service_item": best["name"], "item_code": best["code"]}

    def validate_materials_text(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        """A message naming another item is a correction of the item, not a list of materials."""
        intent = tracker.latest_message.get("intent", {}).get("name")
        if intent in ("inform_item", "start_precheck") and next(tracker.get_latest_entity_values("service_item"), None):
            return {"materials_text": None}
        if not str(value or "").strip():
            return {"materials_text": None}
        return {"materials_text": str(value)}


class ActionPrecheckVerdict(Action):
    def name(self) -> Text:
        return "action_precheck_verdict"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        code: Optional[str] = tracker.get_slot("item_code")
        try:
            verdict = client.precheck(code or "", tracker.get_slot("materials_text") or "")
        except ServiceUnavailable:
            dispatcher.utter_message(text=SORRY)
            return [SlotSet("materials_text", None)]
        if verdict is None:
            dispatcher.utter_message(text="预审的事项没有找到，请重新说一下要办的事项。")
        else:
            dispatcher.utter_message(text=verdict["text"], json_message={"precheck": verdict})
        return [SlotSet("materials_text", None)]
