"""The bot's letter classifier: a message of a letter's length is a complaint to file whatever its
words resemble; shorter messages keep the intent the model gave. Runs in the bot environment."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"

pytestmark = [
    pytest.mark.bot,
    pytest.mark.skipif(not BOT_PYTHON.exists(), reason="the bot environment (.venv-bot) is built by `make setup`"),
]

CLASSIFY = r"""
import json, sys
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from bot.components.long_message import LongMessageClassifier

texts = json.loads(sys.stdin.read())
classifier = LongMessageClassifier({**LongMessageClassifier.get_default_config(), "min_chars": 40})
messages = [Message(data={TEXT: t, INTENT: {"name": "greet", "confidence": 0.7}}) for t in texts]
print(json.dumps([m.get(INTENT)["name"] for m in classifier.process(messages)]))
"""


def classify(texts: list[str]) -> list[str]:
    result = subprocess.run([str(BOT_PYTHON), "-c", CLASSIFY], input=json.dumps(texts), cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_letter_is_a_complaint_and_a_greeting_stays_a_greeting():
    letter = ("领导们好，我是青山区湖滨路小区的住户，我们楼下的路灯坏了三个月，"
              "晚上老人出门很不安全，麻烦尽快派人修一修，谢谢。")
    assert classify([letter, "你们好"]) == ["file_complaint", "greet"]
