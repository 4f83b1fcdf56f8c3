"""Answer service-guide questions from the catalogue, asking back when two items are close.

The item under discussion survives noise: only confident, well-formed item entities are searched, a
search that finds nothing never forgets the item, a follow-up without an item answers about the
remembered one (or bundle), two items named in one question are both answered, and right after a
complaint "多久会有人处理" is about that order, not about an item.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.service_client import ServiceUnavailable, client
from actions.turns import answer_rated, record_turn

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
#: An aspect named in words wins over the intent's guess for a short follow-up (那要多久 / 收费吗 / 在哪办).
ASPECT_WORDS = [
    ("conditions", re.compile(r"条件|资格|能不能办|可以办吗|谁能|什么人|符合")),
    ("materials", re.compile(r"材料|带什么|带啥|准备什么|准备啥|证件|资料")),
    ("time_limit", re.compile(r"多久|多长时间|几天|几个工作日|时限|多快|什么时候(能)?(办好|拿到|下来)")),
    ("fee", re.compile(r"收费|多少钱|要钱|花钱|费用|免费|交钱|几块|收钱|收不收")),
    ("online", re.compile(r"网上|线上|手机上|网办|在家办|不用跑|小程序|App|APP|app|粤省事")),
    ("place", re.compile(r"在哪|去哪|哪里办|地址|地点|窗口|哪个大厅|几楼|哪儿办")),
]
ASPECT_NAMES = {"time_limit": "办理时限", "fee": "收费", "online": "网上办理", "place": "办理地点",
                "materials": "申请材料", "conditions": "办理条件"}
#: Words of a follow-up about the order just filed (大概多久会有人来处理 / 什么时候回复我).
ORDER_FOLLOW_UP = re.compile(r"有人(来)?(处理|管|联系|回复)|(处理|回复|答复|解决)(我)?|"
                             r"多久.*(处理|回复|解决)|工单|投诉")
CONJUNCTION = re.compile(r"和|跟|与|以及|还有|、|及|一是|二是|三是|第一|第二|另外|；|;")
QUESTION_TAIL = re.compile(r"(要|需要|得)?(带|准备|交)?(什么|啥|哪些).*$")
#: A follow-up about every item just answered together (这两个都能网上办吗).
BOTH = re.compile(r"两个|两项|两件|都|分别|这几个|各自")

#: A follow-up without an item entity moves to another item only when the search is this sure of it.
NEW_ITEM_CONFIDENCE = 0.8

SORRY = "抱歉，办事指南服务暂时无法访问，请稍后再试，或拨打12345咨询。"
NOT_FOUND = "没有找到您说的事项，请换个说法，比如“办护照”“小孩上户口”。"
ENGLISH_HINT = ("本服务使用中文。This service is in Chinese: please write your question in Chinese "
                "(for example “办护照要带什么”), or call the 12345 hotline for help.")


ENGLISH_TERMS = yaml.safe_load((Path(__file__).with_name("english_terms.yml")).read_text(encoding="utf-8"))
ENGLISH_ANSWER = ("This service is in Chinese. Below is the official guide for {name} (in Chinese); "
                  "for help in English please call the 12345 hotline. 本服务使用中文。")


def answer_in_english(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict]:
    """An English question: the hint that the service is in Chinese and, when its words name an item
    (or one is under discussion), that item's guide for the aspects asked (cost, how long, online…)."""
    said = (tracker.latest_message.get("text") or "").lower()
    query = " ".join(chinese for english, chinese in ENGLISH_TERMS["items"].items() if english in said)
    aspects = [aspect for aspect, words in ENGLISH_TERMS["aspects"].items() if any(w in said for w in words)]
    best: Optional[Dict[str, Any]] = None
    try:
        if query:
            found = client.search(query)
            if found["matches"] and found.get("decision") in (None, "answer"):
                best = found["matches"][0]
        elif tracker.get_slot("item_code"):
            best = {"code": tracker.get_slot("item_code"), "name": tracker.get_slot("service_item")}
        if best is None:
            dispatcher.utter_message(text=ENGLISH_HINT)
            record_turn(tracker, "fallback", ENGLISH_HINT)
            return []
        answer = answer_aspects(best["code"], aspects or ["all"])
    except ServiceUnavailable:
        dispatcher.utter_message(text=ENGLISH_HINT)
        return []
    answer_rated(dispatcher, tracker, ENGLISH_ANSWER.format(name=best["name"]) + "\n" + answer, best["code"])
    return [SlotSet("service_item", best["name"]), SlotSet("item_code", best["code"]), SlotSet("topic", "item")]


def letter_or_english(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict]]:
    """Whatever intent the NLU gave: a letter becomes a work order, English gets the Chinese-service hint;
    None for any other message."""
    text = tracker.latest_message.get("text") or ""
    if wording.is_letter(text):
        from actions.complaint import letter_events

        return letter_events(dispatcher, tracker)
    if wording.is_english(text):
        return answer_in_english(dispatcher, tracker)
    return None


def item_query(tracker: Tracker) -> Optional[str]:
    """The item the citizen means: a confident entity in this message, else the item under discussion."""
    named = wording.item_entities(tracker.latest_message.get("entities") or [])
    return named[0] if named else tracker.get_slot("service_item")


def aspects_of(tracker: Tracker, intent: str) -> List[str]:
    """The parts of the guide asked for: those named in words (收钱不 / 在哪办，要等多久), else the intent's."""
    text = tracker.latest_message.get("text") or ""
    if intent in ASPECTS and len(text) <= 60:
        named = [aspect for aspect, words in ASPECT_WORDS if words.search(text)]
        if named:
            return named
    return [ASPECTS.get(intent, "all")]


def aspect_of(tracker: Tracker, intent: str) -> str:
    return aspects_of(tracker, intent)[0]


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


def answer_text(code: str, aspect: str) -> str:
    """An item's answer for ``aspect``; for a bundle, that aspect of each of its items (not its materials list)."""
    answer = client.item(code, aspect) or {}
    if answer.get("kind") != "bundle" or aspect in ("materials", "all"):
        return answer.get("text") or ""
    bundle = answer.get("bundle") or {}
    parts = [f"【{bundle.get('name', '')}】各事项的{ASPECT_NAMES.get(aspect, '')}："]
    for item_code in bundle.get("items") or []:
        item = client.item(item_code, aspect) or {}
        if item.get("text"):
            parts.append(item["text"])
    return "\n".join(parts)


def answer_aspects(code: str, aspects: List[str]) -> str:
    """Several parts of one guide in one answer, the item's heading once."""
    texts = [answer_text(code, aspect) for aspect in aspects]
    if len(texts) > 1 and all(t.startswith("【") for t in texts):
        texts = texts[:1] + [t.split("\n", 1)[1] if "\n" in t else t for t in texts[1:]]
    return "\n".join(texts)


def named_items(tracker: Tracker) -> List[Dict[str, Any]]:
    """Two or more distinct items named in one question (办护照和身份证要带什么), each found for sure."""
    text = tracker.latest_message.get("text") or ""
    candidates = wording.item_entities(tracker.latest_message.get("entities") or [])
    if len(candidates) < 2 and CONJUNCTION.search(text):
        candidates = [p for p in (QUESTION_TAIL.sub("", part).strip(" ？?，,：:")
                                  for part in CONJUNCTION.split(text)) if len(p) >= 2]
    if len(candidates) < 2:
        return []
    found: List[Dict[str, Any]] = []
    for candidate in candidates[:4]:
        result = client.search(candidate)
        if not result["matches"] or result.get("ambiguous") or result.get("decision") not in (None, "answer"):
            continue
        best = result["matches"][0]
        if best["code"] not in {f["code"] for f in found}:
            found.append(best)
    return found if len(found) >= 2 else []


def recent_order_code(tracker: Tracker) -> Optional[str]:
    """The 查询码 of an order filed in this conversation after the last item answer, if any."""
    return tracker.get_slot("ticket_code") if tracker.get_slot("topic") == "order" else None


class ActionAnswerItem(Action):
    def name(self) -> Text:
        return "action_answer_item"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.status import answer_order

        text = tracker.latest_message.get("text") or ""
        redirected = letter_or_english(dispatcher, tracker)
        if redirected is not None:
            return redirected
        intent = tracker.latest_message.get("intent", {}).get("name") or "inform_item"
        if intent == "inform_item":
            from actions.precheck import precheck_follow_up

            followed = precheck_follow_up(dispatcher, tracker)
            if followed is not None:
                return followed
        named = wording.item_entities(tracker.latest_message.get("entities") or [])
        code = recent_order_code(tracker)
        if code and not named and (ORDER_FOLLOW_UP.search(text) or intent == "ask_time_limit"):
            return answer_order(dispatcher, tracker, code, None)
        aspects = aspects_of(tracker, intent)
        try:
            several = named_items(tracker)
            together = tracker.get_slot("item_codes") or []
            if not several and not named and len(together) > 1 and BOTH.search(text):
                several = [{"code": code, "name": None} for code in together]
            if several:
                for item in several:
                    answer_rated(dispatcher, tracker, answer_aspects(item["code"], aspects), item["code"])
                last = several[-1]
                events = [SlotSet("item_codes", [item["code"] for item in several]), SlotSet("topic", "item")]
                if last["name"]:
                    events += [SlotSet("service_item", last["name"]), SlotSet("item_code", last["code"])]
                return events
            remembered = tracker.get_slot("item_code")
            if not named and remembered:
                best = {"code": remembered, "name": tracker.get_slot("service_item")}
                if tracker.get_slot("topic") == "guess":
                    dispatcher.utter_message(text=f"您没有选择，我先按“{best['name']}”回答；如果不是，请点上面的选项或说出事项名称。")
                fresh = client.search(text)
                if fresh.get("decision") == "answer" and fresh.get("confidence", 0) >= NEW_ITEM_CONFIDENCE \
                        and fresh["matches"] and fresh["matches"][0]["code"] != remembered:
                    best = fresh["matches"][0]
            else:
                found = search_item(tracker)
                matches = found["matches"]
                if not matches:
                    dispatcher.utter_message(text=NOT_FOUND)
                    record_turn(tracker, "fallback", NOT_FOUND)
                    return []
                elif found["ambiguous"]:
                    dispatcher.utter_message(text="您问的是下面哪一项？", buttons=choice_buttons(matches, intent))
                    # a follow-up that picks no option is answered about the likeliest one, saying so
                    # (unless an item is already under discussion: that one stays)
                    if remembered and tracker.get_slot("topic") != "guess":
                        return []
                    return [SlotSet("service_item", matches[0]["name"]), SlotSet("item_code", matches[0]["code"]),
                            SlotSet("topic", "guess")]
                else:
                    best = matches[0]
            answer = answer_aspects(best["code"], aspects)
        except ServiceUnavailable:
            dispatcher.utter_message(text=SORRY)
            return []
        answer_rated(dispatcher, tracker, answer, best["code"])
        events = [SlotSet("service_item", best["name"]), SlotSet("item_code", best["code"]), SlotSet("topic", "item")]
        if tracker.get_slot("item_codes") and best["code"] not in tracker.get_slot("item_codes"):
            events.append(SlotSet("item_codes", None))
        return events


class ActionOutOfScope(Action):
    """Out of the catalogue's scope; a question in English is told the service is in Chinese."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        redirected = letter_or_english(dispatcher, tracker)
        if redirected is not None:
            return redirected
        from actions.handoff import answer_from_catalogue

        answered = answer_from_catalogue(dispatcher, tracker, domain)
        if answered is not None:
            return answered
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
