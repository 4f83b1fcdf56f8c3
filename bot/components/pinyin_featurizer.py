"""Count-vector features on the pinyin of the message, so homophone typos look like the right words.

Citizens type with a pinyin input method, and their typos are mostly a wrong character with the
same sound: 营业执找 for 营业执照, 身分证 for 身份证, 恩恩 for 嗯嗯, 白白 for 拜拜. Word and character
features see a different word; toneless pinyin syllables (ying ye zhi zhao) see the same one. The
featurizer is Rasa's CountVectorsFeaturizer with every token of the text replaced by its syllables,
so word n-grams become syllable n-grams; the sentence features join all tokens, so a typo that
makes jieba cut the word differently still yields the same syllables.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from pypinyin import lazy_pinyin
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message


def syllables(text: str, readings: Dict[str, str]) -> List[str]:
    """Toneless pinyin of each Chinese character; other runs (digits, Latin) are kept as they are.

    `readings` overrides the dictionary for characters whose everyday input-method spelling differs
    from their standard reading (嗯 is typed as "en", the dictionary says "n").
    """
    result: List[str] = []
    run = ""
    for char in text:
        if char in readings:
            result += lazy_pinyin(run) if run else []
            result.append(readings[char])
            run = ""
        else:
            run += char
    return result + (lazy_pinyin(run) if run else [])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class PinyinCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Rasa's count-vector featurizer (word analyzer) over the pinyin syllables of each token."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**CountVectorsFeaturizer.get_default_config(), "readings": {}}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "pypinyin"]

    def _get_message_tokens_by_attribute(self, message: Message, attribute: Text) -> List[Text]:
        tokens = super()._get_message_tokens_by_attribute(message, attribute)
        if attribute != TEXT:
            return tokens
        readings = self._config["readings"]
        return [" ".join(syllables(token, readings)) for token in tokens]
