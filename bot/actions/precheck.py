"""自助预审 form: which item, which materials the citizen has, then the one-time verdict.

What the citizen says about materials accumulates across messages (身份证有 → 户口本也在 →
房产证还没办下来) in ``precheck_notes`` for the item being checked; each message gets the verdict
on everything said so far. "Can't get it" wording (开不出来, 丢了, 还没办下来) is made explicit as
not having it before the catalogue's pre-check reads the text; 容缺 and 承诺 come from the catalogue.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import wording
from actions.cues import asks
from actions.forms import GuardedFormValidation, intent_of
from actions.guide import SORRY, choice_buttons, clear_lead, materials_of, named_materials, search_is_sure
from actions.service_client import ServiceUnavailable, client
from actions.turns import record_turn

#: Words of a request to check materials (帮我看看材料齐不齐 / 预审一下); a question without them is not one.
PRECHECK_WORDS = re.compile(r"预审|材料|资料|证件|齐|够不够|缺|核对|对一下|看看.{0,4}(行不行|可以吗)")
#: Asking what to do about a material one lacks (户口本拿不回来 咋整): the material's answer, not a verdict.
WHAT_NOW = re.compile(r"咋整|咋办|怎么办|怎么弄|咋弄|如何处理|怎么处理")
#: The pre-check API reads at most this much text (service_guide PrecheckIn).
NOTES_MAX_CHARS = 2000


def accumulated(tracker: Tracker, said: str) -> str:
    """Earlier materials of the same item, then this message (a later word about a material wins)."""
    earlier = tracker.get_slot("precheck_notes") if tracker.get_slot("precheck_code") == tracker.get_slot(
        "item_code") else None
    notes = "。".join(part for part in (earlier, wording.materials_said(said)) if part)
    return notes[-NOTES_MAX_CHARS:]


def activating(tracker: Tracker) -> bool:
    """The form is being activated by this message: Rasa runs the validation before it records the loop as
    active (and with ``requested_slot`` already set to the first slot to fill)."""
    return not (tracker.active_loop or {}).get("name") or not tracker.get_slot("requested_slot")


def tells_materials(code: str, tracker: Tracker) -> bool:
    """A request to check (消防那个检查还没下来，可以先交材料吗) that already tells of one of the item's materials."""
    told = wording.materials_said(tracker.latest_message.get("text") or "")
    if not (wording.HAVING.search(told) or wording.CANNOT_GET.search(told)):
        return False
    try:
        return bool(named_materials(materials_of(code), told))
    except ServiceUnavailable:
        return False


class ValidatePrecheckForm(GuardedFormValidation):
    form_slots = ("materials_text",)
    cancelled_text = "好的，预审已取消。"

    def name(self) -> Text:
        return "validate_precheck_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        """On activation, the item named (or already under discussion) is the one to pre-check, and
        materials named in the activating message (户口本也在) are taken, not asked for again."""
        if activating(tracker) and self.not_materials_news(tracker):
            return self.answer_instead(dispatcher, tracker, domain)
        if activating(tracker):
            events: Dict[Text, Any] = {}
            named = wording.item_entities(tracker.latest_message.get("entities") or [])
            intent, _ = intent_of(tracker)
            if named and named[0] != tracker.get_slot("service_item") and not (
                    intent == "inform_materials" and tracker.get_slot("item_code")):
                events = self.resolve_item(named[0], dispatcher)  # materials news keeps the item being checked
            elif not tracker.get_slot("service_item") and intent == "start_precheck":
                events = self.item_in_sentence(tracker, dispatcher)
            code = events.get("item_code") or tracker.get_slot("item_code")
            if code and (intent == "inform_materials" or tells_materials(code, tracker)):
                said = wording.clean(tracker.latest_message.get("text"))
                merged = tracker.copy()
                merged.slots.update(events)
                events.update({"materials_text": said, "precheck_notes": accumulated(merged, said),
                               "precheck_code": merged.get_slot("item_code")})
            if events:
                return [SlotSet(k, v) for k, v in events.items()]
        return await super().run(dispatcher, tracker, domain)

    @staticmethod
    def not_materials_news(tracker: Tracker) -> bool:
        """Taken for materials by the NLU, the message is a question (身份证掉了咋办 / 他还没身份证咋办) that
        tells nothing of having, or, for the item under discussion, names none of its materials (我老公户口
        不在这边 可以吗 about 生育登记): it is answered, not pre-checked."""
        intent, _ = intent_of(tracker)
        text = wording.clean(tracker.latest_message.get("text"))
        if intent == "start_precheck":
            return asks(text) and not PRECHECK_WORDS.search(text)  # 你能不能帮我查一下我名下有没有房
        if intent != "inform_materials":
            return False
        told = wording.materials_said(text)
        if asks(text) and not (wording.HAVING.search(told) or wording.CANNOT_GET.search(told)) \
                or WHAT_NOW.search(text):
            return True  # 户口本拿不回来 咋整: what to do about it is asked, not a verdict
        code = tracker.get_slot("item_code")
        try:
            materials = materials_of(code) if code else []
        except ServiceUnavailable:
            return False
        return bool(materials) and not named_materials(materials, told)

    def answer_instead(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        """Leave the pre-check (nothing stored) and answer the question as an item question."""
        from actions.guide import ActionAnswerItem

        return self.leave() + ActionAnswerItem().run(dispatcher, tracker, domain)

    def interruption(self, dispatcher: CollectingDispatcher, tracker: Tracker, requested: str) -> Optional[List[Dict]]:
        """At "which item?", a question is about the item it names, not a detour to come back from."""
        text = wording.clean(tracker.latest_message.get("text"))
        if requested == "service_item" and asks(text) and not wording.asks_for_person(text) \
                and not wording.is_cancel(text):
            return self.answer_instead(dispatcher, tracker, {})
        return super().interruption(dispatcher, tracker, requested)

    def item_in_sentence(self, tracker: Tracker, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        """The item a request to pre-check names without the extractor seeing it (想认定教师资格证，帮我看看材料)."""
        try:
            found = client.search(tracker.latest_message.get("text") or "")
        except ServiceUnavailable:
            return {}
        if search_is_sure(found):
            return self.resolve_item(found["matches"][0]["name"], dispatcher)
        return {}

    def resolve_item(self, value: str, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        """Resolve the item; on success tell its full checklist first, so the citizen can compare."""
        try:
            found = client.search(str(value))
            matches = found["matches"]
            if not matches:
                dispatcher.utter_message(text=f"没有找到“{value}”这个事项，请换个说法。")
                return {"service_item": None}
            if found["ambiguous"] and not clear_lead(found):  # the same rule as an item question
                dispatcher.utter_message(text="您要预审的是哪一项？", buttons=choice_buttons(matches, "inform_item"))
                return {"service_item": None}
            best = matches[0]
            guide = client.item(best["code"], "all")  # 一次性告知: conditions, time and place too
        except ServiceUnavailable:
            dispatcher.utter_message(text=SORRY)
            return {"service_item": None}
        dispatcher.utter_message(text=guide["text"])
        return {"service_item": best["name"], "item_code": best["code"]}

    def validate_service_item(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        if tracker.get_slot("requested_slot") != "service_item" and value == tracker.get_slot("service_item") \
                and tracker.get_slot("item_code"):
            return {"service_item": value}
        named = wording.item_entities(tracker.latest_message.get("entities") or [])
        return self.resolve_item(named[0] if named else str(value), dispatcher)

    def validate_materials_text(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        """A message naming another item is a correction of the item, not a list of materials."""
        if value is None:
            return {}
        intent, _ = intent_of(tracker)
        named = wording.item_entities(tracker.latest_message.get("entities") or [])
        if intent in ("inform_item", "start_precheck") and named:
            corrected = self.resolve_item(named[0], dispatcher)  # 户口迁移: the item to check, not a material
            if corrected.get("item_code") and corrected["item_code"] != tracker.get_slot("item_code"):
                return {**corrected, "materials_text": None, "precheck_notes": None, "precheck_code": None}
            return {"materials_text": None}
        said = wording.clean(value)
        if not said:
            return {"materials_text": None}
        return {"materials_text": said, "precheck_notes": accumulated(tracker, said),
                "precheck_code": tracker.get_slot("item_code")}


class ActionPrecheckVerdict(Action):
    def name(self) -> Text:
        return "action_precheck_verdict"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        code: Optional[str] = tracker.get_slot("item_code")
        said = tracker.get_slot("materials_text")
        if not said:
            return []  # the pre-check was left (取消 / 转人工)
        notes = tracker.get_slot("precheck_notes") or wording.materials_said(said)
        together = tracker.get_slot("item_codes") or []
        codes = together if code in together else [code or ""]  # 两件事: each item answered together
        for each in codes:
            try:
                verdict = client.precheck(each, notes)
            except ServiceUnavailable:
                dispatcher.utter_message(text=SORRY)
                return [SlotSet("materials_text", None)]
            if verdict is None:
                dispatcher.utter_message(text="预审的事项没有找到，请重新说一下要办的事项。")
                return [SlotSet("materials_text", None)]
            text = verdict["text"]
            if verdict.get("missing") or verdict.get("rongque") or verdict.get("chengnuo"):
                text += "\n（有新情况可以直接告诉我，比如“户口本也有”，我会在刚才的基础上重新核对。）"
            dispatcher.utter_message(text=text, json_message={"precheck": verdict})
            record_turn(tracker, "answer", text, each)
        return [SlotSet("materials_text", None), SlotSet("topic", "item")]


#: Saying what one has or lacks (身份证有 / 还没考 / 没那个证明), not asking.
ABOUT_MATERIALS = re.compile(r"有|在|带了|没|还没|缺|丢|不给|拿不|开不|办不")


def precheck_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict]]:
    """A message about materials right after a pre-check of the item under discussion, whatever the NLU
    took it for (普通话证我还没考), adds to that pre-check and gets the new verdict."""
    text = wording.clean(tracker.latest_message.get("text"))
    code = tracker.get_slot("item_code")
    if not code or tracker.get_slot("precheck_code") != code or not tracker.get_slot("precheck_notes"):
        return None
    if len(text) > 60 or asks(text) or not ABOUT_MATERIALS.search(text):
        return None
    if not named_materials(materials_of(code), text):
        return None  # nothing of this item's checklist: not news about its materials
    notes = accumulated(tracker, text)
    try:
        verdict = client.precheck(code, notes)
    except ServiceUnavailable:
        return None
    if verdict is None:
        return None
    dispatcher.utter_message(text=verdict["text"], json_message={"precheck": verdict})
    record_turn(tracker, "answer", verdict["text"], code)
    return [SlotSet("precheck_notes", notes), SlotSet("topic", "item")]
