"""The bot's context policy: what the bot just said decides a rating reply and a short aspect question
about the item under discussion, before the NLU's intent does. Runs in the bot environment."""

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

PREDICT = r"""
import json, sys
from unittest.mock import MagicMock
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from bot.components.context_policy import ContextPolicy

domain = Domain.load("bot/domain.yml")
policy = ContextPolicy(ContextPolicy.get_default_config(), MagicMock(), MagicMock(), MagicMock())
results = []
for case in json.loads(sys.stdin.read()):
    events = [ActionExecuted("action_listen")]
    events += [SlotSet(name, value) for name, value in case.get("slots", {}).items()]
    if case.get("form"):
        events.append(ActiveLoop(case["form"]))
    events += [UserUttered("上一句", {"name": "ask_materials", "confidence": 0.9}),
               BotUttered("请发一下登记时给您的查询码" if case.get("asked_code") else "【普通护照签发】……",
                          data={"custom": {"rate": {"turn_id": "t1"}}} if case.get("rated")
                          else {"custom": {"ticket": {"id": 7}}} if case.get("filed") else {}),
               ActionExecuted("action_listen"),
               UserUttered(case["text"], {"name": case["intent"], "confidence": 0.9})]
    if case.get("ran"):
        events.append(ActionExecuted(case["ran"]))
    tracker = DialogueStateTracker.from_events("c", events, domain.slots)
    prediction = policy.predict_action_probabilities(tracker, domain)
    best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
    results.append(domain.action_names_or_texts[best] if prediction.probabilities[best] > 0 else None)
print(json.dumps(results))
"""

ITEM = {"item_code": "QS-GA-007", "service_item": "普通护照签发"}


def predict(*cases: dict) -> list:
    result = subprocess.run([str(BOT_PYTHON), "-c", PREDICT], input=json.dumps(list(cases)), cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_bare_number_or_a_rating_word_right_after_a_rateable_answer_is_a_rating():
    assert predict({"text": "1", "intent": "goodbye", "rated": True},
                   {"text": "不满意，说得太笼统了", "intent": "inform_materials", "rated": True},
                   {"text": "2", "intent": "goodbye", "rated": False}) == ["action_rate", "action_rate", None]


def test_a_short_aspect_question_is_about_the_item_under_discussion_whatever_the_intent():
    assert predict({"text": "收钱不", "intent": "greet", "slots": ITEM},
                   {"text": "当场能拿到吗", "intent": "inform_materials", "slots": ITEM},
                   {"text": "收钱不", "intent": "greet"}) == ["action_answer_item", "action_answer_item", None]


def test_a_message_in_english_goes_to_the_action_that_answers_english_whatever_the_intent():
    assert predict({"text": "Hello, how long does it take?", "intent": "greet"},
                   {"text": "好的 ok", "intent": "thank"}) == ["action_out_of_scope", None]


def test_a_short_remark_right_after_filing_is_about_the_order_just_filed():
    assert predict({"text": "好，把单号记一下", "intent": "affirm", "filed": True},
                   {"text": "别打给我，也别告诉他们是谁投诉的", "intent": "file_complaint", "filed": True},
                   {"text": "好，把单号记一下", "intent": "affirm"}) == ["action_ticket_status"] * 2 + [None]


def test_after_its_action_the_bot_listens_and_inside_a_form_the_policy_stays_out():
    assert predict({"text": "收钱不", "intent": "greet", "slots": ITEM, "ran": "action_answer_item"},
                   {"text": "收钱不", "intent": "greet", "slots": ITEM, "form": "complaint_form"},
                   {"text": "能不能催一下多久", "intent": "ask_ticket_status", "slots": ITEM}) \
        == ["action_listen", None, None]


def test_urging_an_order_goes_to_the_status_action_whatever_the_intent():
    assert predict({"text": "能不能快点 帮我催一下", "intent": "out_of_scope"},
                   {"text": "那你帮我催一下总行吧", "intent": "request_human"},
                   {"text": "催一下", "intent": "out_of_scope", "form": "complaint_form"},
                   {"text": "我们楼的水压小、楼道灯坏了半年，去社区反映过两次都没解决，" * 3 + "请你们帮忙催一催",
                    "intent": "file_complaint"}) == ["action_ticket_status", "action_ticket_status", None, None]


def test_asking_whether_it_was_filed_is_about_the_order_once_one_was_filed():
    assert predict({"text": "小同志 登记上了吗", "intent": "inform_item", "slots": {"ticket_code": "3f9a0c1d2b4e5f60"}},
                   {"text": "小同志 登记上了吗", "intent": "inform_item"}) == ["action_ticket_status", None]


def test_thanks_right_after_filing_are_thanks():
    assert predict({"text": "谢谢小同志", "intent": "thank", "filed": True}) == [None]


def test_the_reply_to_being_asked_for_the_query_code_is_about_the_order():
    assert predict({"text": "找不到了", "intent": "inform_materials", "asked_code": True},
                   {"text": "找不到了", "intent": "inform_materials"}) == ["action_ticket_status", None]


def test_a_short_item_question_the_nlu_took_for_a_complaint_is_still_about_the_item():
    assert predict({"text": "要她回青山跑一趟吗", "intent": "file_complaint", "slots": ITEM},
                   {"text": "我们还没领结婚证 上户口会不会办不了", "intent": "file_complaint", "slots": ITEM},
                   {"text": "人民路上那个窗口排队太久了能不能管管", "intent": "file_complaint", "slots": ITEM}
                   ) == ["action_answer_item", "action_answer_item", None]


def test_thanks_right_after_filing_is_not_taken_for_a_question_about_the_order():
    assert predict({"text": "谢谢小同志", "intent": "inform_item", "filed": True}) == [None]


def test_after_a_rating_that_also_asked_for_a_person_the_bot_listens():
    assert predict({"text": "不满意，给我转个人工吧", "intent": "request_human", "rated": True,
                    "slots": {"with_person": True}, "ran": "action_rate"}) == ["action_listen"]
