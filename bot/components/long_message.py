"""A long message is a letter (来信): whatever its words resemble, it becomes a complaint to file.

The NLU model is trained on short chat messages; a 2,000-character letter from an elderly resident
lands on whichever intent its greeting or closing resembles (greet, thank, a guide question), and the
letter is lost. From ``min_chars`` on, this classifier (placed after the others) sets the intent
``intent`` with full confidence, so the complaint actions summarise it into a work order.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LongMessageClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_chars": 120, "intent": "file_complaint"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.min_chars = int(config["min_chars"])
        self.intent = str(config["intent"])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LongMessageClassifier":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if len((message.get(TEXT) or "").strip()) >= self.min_chars:
                message.set(INTENT, {"name": self.intent, "confidence": 1.0}, add_to_output=True)
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != self.intent]
                message.set(INTENT_RANKING_KEY, [{"name": self.intent, "confidence": 1.0}, *ranking],
                            add_to_output=True)
        return messages
