"""The bot's pinyin featurizer: homophone typos typed with a pinyin input method get the features of
the words they stand for. Runs in the bot environment (Rasa, Python 3.10) as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"

pytestmark = [
    pytest.mark.bot,
    pytest.mark.skipif(not BOT_PYTHON.exists(), reason="the bot environment (.venv-bot) is built by `make setup`"),
]

# Tokenizes with Rasa's JiebaTokenizer, fits the featurizer on the training sentences, and prints
# the sentence features of each probe as a list of (syllable n-gram, count).
FEATURIZE = r"""
import json, sys, tempfile
from pathlib import Path
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from bot.components.pinyin_featurizer import PinyinCountVectorsFeaturizer

train, probes, config = json.loads(sys.stdin.read())
storage = LocalModelStorage(Path(tempfile.mkdtemp()))
context = ExecutionContext(GraphSchema({}), "pinyin-test")
tokenizer = JiebaTokenizer.create(JiebaTokenizer.get_default_config(), storage, Resource("jieba"), context)
featurizer = PinyinCountVectorsFeaturizer.create(
    {**PinyinCountVectorsFeaturizer.get_default_config(), **config}, storage, Resource("pinyin"), context)
data = TrainingData([Message(data={TEXT: text, "intent": "any"}) for text in train])
tokenizer.process_training_data(data)
featurizer.train(data)
messages = [Message(data={TEXT: text}) for text in probes]
tokenizer.process(messages)
featurizer.process(messages)
vocabulary = {index: term for term, index in featurizer.vectorizers[TEXT].vocabulary_.items()}
features = []
for message in messages:
    row = message.get_sparse_features(TEXT)[1].features.tocsr()
    features.append(sorted((vocabulary[i], int(c)) for i, c in zip(row.indices, row.data)))
print(json.dumps(features, ensure_ascii=False))
"""


def sentence_features(train: list[str], probes: list[str], **config) -> list[list[list]]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run([str(BOT_PYTHON), "-c", FEATURIZE], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300, input=json.dumps([train, probes, config]))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_homophone_typo_gets_the_same_features_as_the_right_word():
    right, typo = sentence_features(["办营业执照要带什么材料", "身份证丢了怎么补办"],
                                    ["办营业执照要带什么", "办营业执找要带什么"], max_ngram=2)
    assert right == typo
    assert ["zhi zhao", 1] in right


def test_a_typo_that_sounds_different_keeps_different_features():
    right, other = sentence_features(["办营业执照要带什么材料"], ["营业执照", "营业执行"], max_ngram=2)
    assert right != other


def test_configured_readings_override_the_dictionary_for_input_method_spellings():
    standard, typed = sentence_features(["嗯嗯好的", "恩恩好的"], ["嗯嗯", "恩恩"], readings={"嗯": "en"})
    assert standard == typed == [["en", 2]]
