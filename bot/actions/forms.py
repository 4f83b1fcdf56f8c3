"""What both forms share: a citizen can always get out (取消, 转人工) and ask something on the way
(a 查询码, a service question), after which the form asks its question again.

Rasa's forms fill a ``from_text`` slot with whatever is said, so these interruptions are recognised
in the validation action before any slot is validated (Rasa's documented way for a validation
action to end a form early is to return ``ActiveLoop(None)``; the submit rules that follow find the
slots empty and do nothing).
"""

from __future__ import annotations

import re
from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import wording
from actions.cues import asks, aspects_named

GUIDE_INTENTS = {"ask_materials", "ask_conditions", "ask_time_limit", "ask_fee", "ask_place", "ask_online"}
#: A question about how to get something done (装修垃圾要办什么手续), not a problem to report.
GUIDE_QUESTION = re.compile(r"(要|需要|得)办(什么|啥|哪些)(手续|证)|要(带|准备)(什么|啥|哪些)(材料|东西)?|"
                            r"需要(什么|哪些)材料|怎么(申请|办理)|去哪(儿|里)?办")
NOT_IN_CATALOGUE = "这个问题我在办事指南里没有查到，办完这件事后您可以换个说法再问我，或拨打12345热线咨询。"
#: A cancel said inside a longer sentence (不投诉了，我自己找物业去).
CANCEL_ANYWHERE = re.compile(r"不(投诉|投|反映|举报|预审)了|取消(投诉|反映|预审|工单|吧)|"
                             r"不想(投诉|反映)了|不用(投诉|反映|登记)了")
#: The acts the forms exist for: a negation whose scope holds one of them takes the request back.
FORM_ACTS = r"(投诉|反映|举报|登记|提交|上报|报上去|立案|记下|记录|预审)"
#: A negation, what may stand between it and the act (帮我, 再去), no personal detail as the act's object
#: (不用记录我电话 declines the phone, not the complaint) and no question after it (不登记可以吗 asks).
WITHDRAWN = re.compile(r"(不|别|不要|不用|不想|不必|甭|无需|没必要)(再|去|帮我|给我|替我|帮忙|这个|这事)*"
                       + FORM_ACTS + r"(?!(我|你|他|她)?的?(电话|手机|号码|名字|姓名|联系方式|身份|信息))"
                       r"(?![^，,。；;！!]{0,6}(吗|么|[？?]))")


def withdraws(text: str) -> bool:
    """The citizen takes back what the form is for, anywhere in a longer sentence (还是别登记了，怕麻烦 /
    不用给我报上去了), by the scope of a negation over the form's own act rather than by set phrases."""
    return bool(CANCEL_ANYWHERE.search(text) or WITHDRAWN.search(text))


def intent_of(tracker: Tracker) -> tuple[str, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name") or "", float(intent.get("confidence") or 0.0)


class GuardedFormValidation(FormValidationAction, metaclass=ABCMeta):
    """A form validation that first honours cancel, handoff, status and service questions (abstract: the
    action server registers only its subclasses, which name their form)."""

    @abstractmethod
    def name(self) -> Text:
        """validate_<form name>."""

    #: Whether a question the item search hesitates on is answered when the whole sentence clearly leads to
    #: one item (the complaint form: the question is about something else than the complaint; in the
    #: pre-check it is about the item being checked, which a guess from the sentence would replace).
    answers_from_whole_sentence = False
    #: The form's slots, reset when it is left.
    form_slots: tuple[str, ...] = ()
    cancelled_text = "好的，已取消。"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        requested = tracker.get_slot("requested_slot")
        if requested:
            events = self.interruption(dispatcher, tracker, requested)
            if events is not None:
                return events
        return await super().run(dispatcher, tracker, domain)

    def leave(self) -> List[Dict[Text, Any]]:
        return [*(SlotSet(slot, None) for slot in self.form_slots), SlotSet("requested_slot", None), ActiveLoop(None)]

    def before_exits(self, dispatcher: CollectingDispatcher, tracker: Tracker, requested: str) -> Optional[List[Dict]]:
        """A form-specific answer that must win over the exits (a phone refusal at the phone step)."""
        return None

    def interruption(self, dispatcher: CollectingDispatcher, tracker: Tracker, requested: str) -> Optional[List[Dict]]:
        from actions.handoff import hand_over
        from actions.status import ASK_CODE, answer_order

        text = wording.clean(tracker.latest_message.get("text"))
        intent, confidence = intent_of(tracker)
        early = self.before_exits(dispatcher, tracker, requested)
        if early is not None:
            return early
        if wording.asks_for_person(text) or (intent == "request_human" and confidence >= 0.8 and len(text) <= 12):
            self.rate_before_leaving(dispatcher, tracker, text)
            events = self.leave() + hand_over(dispatcher, tracker, "requested")
            said_so_far = self.said_so_far(tracker)
            if said_so_far and events[-1:] and events[-1].get("name") == "with_person":
                dispatcher.utter_message(text=f"您刚才说的（{said_so_far}）已随对话记录一并转给人工客服，不用从头再说。")
            return events
        if wording.is_cancel(text) or withdraws(text):
            dispatcher.utter_message(text=self.cancelled_text)
            return self.leave()
        rated = self.rating(dispatcher, tracker, text)
        if rated is not None:
            return rated + [SlotSet(requested, None)]
        reference = wording.order_reference(text)
        if reference.code:
            return answer_order(dispatcher, tracker, reference.code, reference.number) + [SlotSet(requested, None)]
        if intent == "ask_ticket_status" and wording.asks_status(text) and not wording.place_in(text):
            dispatcher.utter_message(text=ASK_CODE)
            return [SlotSet(requested, None)]
        if ((intent in GUIDE_INTENTS and confidence >= 0.6 or aspects_named(text) or GUIDE_QUESTION.search(text))
                and asks(text) and self.answers_questions_at(requested)):
            return self.answer_question(dispatcher, tracker) + [SlotSet(requested, None)]
        return self.digression(dispatcher, tracker, requested, text)

    def digression(self, dispatcher: CollectingDispatcher, tracker: Tracker, requested: str,
                   text: str) -> Optional[List[Dict]]:
        """Something said at a step that is neither its answer nor an exit (a form-specific reading); None
        lets the slot's own validation decide."""
        return None

    def said_so_far(self, tracker: Tracker) -> str:
        """What the citizen has told the form, for the person taking over (the complaint's problem and place)."""
        return ""

    def answers_questions_at(self, requested: str) -> bool:
        return True

    @staticmethod
    def rate_before_leaving(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> None:
        """不满意，给我转人工: the answer just given is rated before the person is asked for."""
        from actions.cues import rating_in
        from actions.service_client import client
        from actions.turns import last_rateable_turn

        rating, turn_id = rating_in(text), last_rateable_turn(tracker)
        if rating is None or turn_id is None:
            return
        client.rate(tracker.sender_id, turn_id, rating)
        if rating == "unsatisfied":
            dispatcher.utter_message(text="抱歉没能帮到您，已记下您的评价。")

    def rating(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> Optional[List[Dict]]:
        """A rating reply to an answer given inside the form (不满意，太笼统了) is that answer's rating."""
        from actions.cues import rating_in
        from actions.turns import ActionRate, last_rateable_turn

        if rating_in(text) is None or last_rateable_turn(tracker) is None:
            return None
        return ActionRate().run(dispatcher, tracker, {})

    def answer_question(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict]:
        """A service question on the way: answered from the catalogue, then the form goes on."""
        from actions.guide import (
            SORRY,
            answer_aspects,
            asked_materials,
            aspects_of,
            names_own_material,
            search_item,
        )
        from actions.turns import answer_rated

        intent, _ = intent_of(tracker)
        aspects = aspects_of(tracker, intent)
        events: List[Dict] = []
        try:
            named = wording.item_entities(tracker.latest_message.get("entities") or [])
            code = tracker.get_slot("item_code")
            text = tracker.latest_message.get("text") or ""
            if named and not (code and names_own_material(code, " ".join(named), text)):
                code = None  # another item named (a material of this one, 结婚证, keeps it)
            if code is None:
                found = search_item(tracker)
                if not found["matches"] or found["ambiguous"]:
                    if not self.answers_from_whole_sentence:
                        dispatcher.utter_message(text="这个问题我稍后再帮您查，我们先把这件事办完。")
                        return []
                    # the whole sentence may still lead clearly (装修垃圾要办什么手续: one item far ahead)
                    answered = answer_from_text(dispatcher, tracker, text)
                    if answered is None:
                        dispatcher.utter_message(text=NOT_IN_CATALOGUE)
                    dispatcher.utter_message(text="我们接着刚才的事：")
                    return answered or []
                code = found["matches"][0]["code"]
                events = [SlotSet("item_code", code), SlotSet("service_item", found["matches"][0]["name"])]
                aspects = ["all"]  # a first answer about an item is its whole guide
            notes = asked_materials(code, tracker)
            answer_rated(dispatcher, tracker, "\n".join(filter(None, [notes, answer_aspects(code, aspects)])), code)
        except Exception:  # noqa: BLE001 (the form must go on whatever the catalogue does)
            dispatcher.utter_message(text=SORRY)
        dispatcher.utter_message(text="我们接着刚才的事：")
        return events  # the item answered stays under discussion for the next follow-up


def answer_from_text(dispatcher: CollectingDispatcher, tracker: Tracker, question: str,
                     aspects: Optional[List[str]] = None) -> Optional[List[Dict]]:
    """A question asked in passing (in a letter, at a form's step) answered from the guide of the item the
    catalogue search is sure of (the parts asked, else the whole guide); None when it is not sure (nothing is
    said then)."""
    from actions.guide import answer_aspects, best_clause, clear_lead, search_is_sure
    from actions.service_client import ServiceUnavailable, client
    from actions.turns import answer_rated

    try:
        found = client.search(question)
        sure = search_is_sure(found) or clear_lead(found)
        if not (found.get("matches") and sure):
            found = best_clause(question) or found
            sure = search_is_sure(found) or clear_lead(found)
        if not (found.get("matches") and sure):
            return None
        best = found["matches"][0]
        answer_rated(dispatcher, tracker, answer_aspects(best["code"], aspects or ["all"]), best["code"])
    except ServiceUnavailable:
        return None
    return [SlotSet("item_code", best["code"]), SlotSet("service_item", best["name"]), SlotSet("topic", "item")]
