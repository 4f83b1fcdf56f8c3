"""The conversation's state decides some turns before the NLU's intent does.

The NLU model reads one message alone: a bare "1" after "回复 1 满意，2 不满意" looks like a goodbye,
"不满意，太笼统了" like a list of materials, and "收钱不" / "当场能拿到吗" like anything. What they
mean is clear only from what the bot just said, so this policy (above the rules in priority) predicts:

* ``action_rate`` for a rating reply right after an answer that offered the rating;
* ``action_out_of_scope`` for a message in English (the model is trained on Chinese; that action answers
  English in simple English, or files an English complaint);
* ``action_ticket_status`` for a short remark right after a work order was filed (单号记一下, 别打给我),
  which that action answers about the order (and files a new one only for a new problem), for urging
  an order (催一下, often taken for out of scope), for 登记上了吗 once an order was filed, and for the
  reply to being asked for the 查询码 (找不到了 / the code);
* ``action_answer_item`` for a short question about an aspect of the item under discussion (时限,
  收费, 地点, 网上办, 材料, 条件) outside any form, whatever intent the NLU gave it;
* ``action_listen`` after either, and nothing otherwise (the other policies decide).

The words come from bot/dialogue_cues.yml through bot/actions/cues.py, the module the actions use too.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.actions import wording
from bot.actions.cues import asks, asks_if_filed, aspects_named, compact, rating_in, replies_about_code, urges

#: Intents whose own actions handle an aspect question better (a complaint, an order, a person, a pre-check).
#: Intents that, right after filing, still mean something else than the order (a person, a service question).
NOT_ABOUT_THE_ORDER = {"request_human", "greet", "thank", "goodbye", "ask_materials", "ask_conditions",
                       "ask_time_limit", "ask_fee", "ask_place", "ask_online", "inform_item", "start_precheck"}
OWN_HANDLING = {"file_complaint", "file_suggestion", "ask_ticket_status", "request_human", "start_precheck"}
COMPLAINING = {"file_complaint", "file_suggestion"}


def said(tracker: DialogueStateTracker) -> str:
    """The latest message without spaces and without what it says it does not know (不知道档案在哪)."""
    return compact(tracker.latest_message.text or "") if tracker.latest_message else ""


def offered_rating(tracker: DialogueStateTracker) -> bool:
    """The bot's messages between the previous user message and the latest one offered a rating."""
    return any(((event.data or {}).get("custom") or {}).get("rate") for event in previous_bot_turn(tracker))


def just_filed(tracker: DialogueStateTracker) -> bool:
    """The bot's messages right before the latest user message filed a work order."""
    return any(((event.data or {}).get("custom") or {}).get("ticket") for event in previous_bot_turn(tracker))


def asked_for_code(tracker: DialogueStateTracker) -> bool:
    """The bot's messages right before the latest user message asked for the order's 查询码."""
    return any("查询码" in (event.text or "") and re.search(r"请(告诉我|发|再发)", event.text or "")
               for event in previous_bot_turn(tracker))


def previous_bot_turn(tracker: DialogueStateTracker) -> List[BotUttered]:
    """The bot's messages between the previous user message and the latest one."""
    found: List[BotUttered] = []
    seen_latest = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_latest:
                break
            seen_latest = True
        elif isinstance(event, BotUttered) and seen_latest:
            found.append(event)
    return found


def is_english(text: str) -> bool:
    """No Chinese, at least two words and six Latin letters."""
    return (not re.search(r"[\u4e00-\u9fff]", text) and len(re.findall(r"[A-Za-z]", text)) >= 6
            and len(text.split()) >= 2)


def asks_about_item(tracker: DialogueStateTracker, text: str, max_chars: int) -> bool:
    """A short question about an aspect of the item under discussion; taken for a complaint by the NLU
    (要她回青山跑一趟吗) it still is one unless it states a problem or a place."""
    intent = (tracker.latest_message.intent or {}).get("name")
    if intent in COMPLAINING:
        intent = None if not (wording.PROBLEM_WORDS.search(text) or wording.place_in(text)) else intent
    return (bool(tracker.get_slot("item_code")) and intent not in OWN_HANDLING and len(text) <= max_chars
            and asks(text) and bool(aspects_named(text)))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class ContextPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 7, "max_follow_up_chars": 40}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, featurizer: Any = None) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self.max_chars = int(config.get("max_follow_up_chars", 40))

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        with self._model_storage.write_to(self._resource):
            pass  # nothing learned: the cues file decides
        return self._resource

    def choose(self, tracker: DialogueStateTracker) -> Optional[Text]:
        """The first action for the latest message, or None to leave it to the other policies."""
        if tracker.active_loop_name or tracker.get_slot("with_person"):
            return None
        text = said(tracker)
        if not text or text.startswith("/"):
            return None
        if offered_rating(tracker) and rating_in(text):
            return "action_rate"
        if is_english(tracker.latest_message.text or ""):
            return "action_out_of_scope"
        intent = (tracker.latest_message.intent or {}).get("name")
        if intent != "ask_ticket_status" and len(text) <= self.max_chars and (
                urges(text) or tracker.get_slot("ticket_code") and asks_if_filed(text)):
            return "action_ticket_status"  # the rule for ask_ticket_status already leads there
        if asked_for_code(tracker) and len(text) <= 20 and replies_about_code(text):
            return "action_ticket_status"  # 找不到了 right after "请发一下查询码"
        if asks_about_item(tracker, text, self.max_chars):
            return "action_answer_item"
        if just_filed(tracker) and self.about_the_order(tracker, text):
            return "action_ticket_status"
        return None

    def about_the_order(self, tracker: DialogueStateTracker, text: str) -> bool:
        """A short remark right after filing (单号记一下 / 别打给我) is about the order just filed."""
        intent = (tracker.latest_message.intent or {}).get("name")
        return 4 < len(text) <= self.max_chars and intent not in NOT_ABOUT_THE_ORDER \
            and not aspects_named(text) and not wording.courtesy(text)  # 谢谢小同志 is thanks, not a question

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        chosen = self.choose(tracker)
        latest = next((e for e in reversed(tracker.events) if isinstance(e, (ActionExecuted, UserUttered))), None)
        if isinstance(latest, ActionExecuted) and latest.action_name == "action_rate":
            chosen = "action_rate"  # a rating (and the handoff it may ask for) is the whole answer: listen
        if chosen and isinstance(latest, ActionExecuted) and latest.action_name == chosen:
            chosen = "action_listen"  # the chosen action has run for this message
        elif chosen and not isinstance(latest, UserUttered) and not (
                isinstance(latest, ActionExecuted) and latest.action_name == "action_listen"):
            chosen = None  # some other action already answers this message
        if chosen:
            probabilities[domain.index_for_action(chosen)] = 1.0
        return self._prediction(probabilities)
