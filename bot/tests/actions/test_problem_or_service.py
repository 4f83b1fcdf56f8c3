"""A message the NLU takes for a complaint is answered from the catalogue when the learned problem/service
reading says it asks for a service and the catalogue search is sure of the item (actions/problem_model.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
from test_conversation_repairs import DOMAIN, guide_tracker, slots_set, texts

from actions import complaint as complaint_module
from actions import problem_model
from actions.complaint import ActionStartComplaint
from actions.problem_model import NaiveBayes

SETTLING = {"code": "QS-GA-005", "name": "户口迁入", "score": 0.85}
LICENCE = {"code": "QS-SC-001", "name": "个体工商户设立登记", "score": 0.6}
FOOD = {"code": "QS-SC-005", "name": "食品经营许可", "score": 0.2}


def catalogue_answers(service, item: Dict[str, Any], decision: str = "answer", *others: Dict[str, Any]) -> None:
    service.reply("GET", "/api/catalogue/items",
                  {"decision": decision, "ambiguous": decision != "answer", "confidence": 0.7,
                   "matches": [item, *others]})
    service.reply("GET", f"/api/catalogue/items/{item['code']}",
                  {"kind": "item", "text": f"【{item['name']}】申请材料：…"})


@pytest.fixture
def reads_as(monkeypatch: pytest.MonkeyPatch):
    """Fixes what the learned reading says of every message (> 0: a problem report; None: no model)."""

    def set_odds(odds):
        monkeypatch.setattr(complaint_module, "problem_odds", lambda text: odds)

    return set_odds


def test_a_situation_told_while_asking_for_a_service_is_answered_not_filed(service, dispatcher, reads_as):
    reads_as(-0.6)
    catalogue_answers(service, SETTLING)
    asked = guide_tracker("老婆是外地的，去年我们在她老家领的证，想把她户口落到我这边，得咋弄", "file_complaint",
                          [], {})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert "complaint_text" not in slots_set(events)
    assert texts(dispatcher)[0].startswith("【户口迁入】")


def test_a_problem_report_stays_a_complaint_even_when_the_catalogue_is_sure_of_an_item(service, dispatcher, reads_as):
    reads_as(0.8)
    catalogue_answers(service, LICENCE)
    asked = guide_tracker("街口那个烧烤摊天天占道经营到半夜，油烟呛得窗户都不敢开", "file_complaint", [], {})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert slots_set(events).get("complaint_text")


def test_a_message_opening_with_a_complaint_stays_a_complaint(service, dispatcher, reads_as):
    reads_as(-0.5)
    catalogue_answers(service, LICENCE)
    asked = guide_tracker("我要投诉，办个体执照跑了三趟还没办下来", "file_complaint", [], {})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert slots_set(events).get("complaint_text")


def test_a_service_reading_naming_a_place_needs_the_search_to_decide_not_only_to_lead(service, dispatcher, reads_as):
    reads_as(-0.3)
    catalogue_answers(service, LICENCE, "clarify", FOOD)
    asked = guide_tracker("和平路菜场门口那家熟食店是不是没有执照", "file_complaint", [], {})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert slots_set(events).get("complaint_text")


def test_without_the_learned_model_a_situation_is_taken_as_before(service, dispatcher, reads_as):
    reads_as(None)
    catalogue_answers(service, SETTLING)
    asked = guide_tracker("老婆是外地的，去年我们在她老家领的证，想把她户口落到我这边", "file_complaint", [], {})
    events = ActionStartComplaint().run(dispatcher, asked, DOMAIN)
    assert slots_set(events).get("complaint_text")


def test_the_reading_learns_problems_and_services_from_examples_not_from_words_written_for_it():
    learned = NaiveBayes.fit(["小区路灯坏了没人修", "楼下饭店油烟扰民", "工地半夜施工太吵"],
                             ["新生儿落户", "个体工商户设立登记", "有固定的经营场所"])
    assert learned.log_odds("路灯坏了好几天") > 0
    assert learned.log_odds("想开个店，要有经营场所吗") < 0


def test_no_model_is_built_without_the_real_data(tmp_path: Path):
    assert problem_model.training_sets(tmp_path) is None


def test_the_catalogue_gives_item_names_aliases_and_conditions_as_service_wording():
    phrases = problem_model.catalogue_phrases()
    assert {"个体工商户设立登记", "办个体执照", "有固定的经营场所"} <= set(phrases)
