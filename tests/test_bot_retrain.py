"""The bot retrain job's decision and its model files (learning.bot_retrain), without training Rasa.

The whole job against a real Rasa server is in tests/test_bot_retrain_e2e.py (slow tier)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import Conflict
from core.settings import BotSettings
from learning.bot_retrain import BotProject, BotTrainingError, decide, figures
from learning.settings import BotTrainingSettings
from tests.helpers import ROOT, auth, free_port

CURRENT = {"intent_f1": 0.95, "entity_f1": 0.91, "story_accuracy": 1.0}


def test_a_candidate_no_worse_on_every_figure_replaces_the_running_model():
    assert decide({"intent_f1": 0.95, "entity_f1": 0.92, "story_accuracy": 1.0}, CURRENT, 0.0).replace


def test_a_candidate_worse_on_one_figure_is_refused_and_the_figure_is_named():
    decision = decide({"intent_f1": 0.97, "entity_f1": 0.89, "story_accuracy": 1.0}, CURRENT, 0.0)
    assert not decision.replace and decision.worse == ("entity_f1",)


def test_the_tolerance_lets_a_slightly_lower_figure_through():
    assert decide({"intent_f1": 0.945, "entity_f1": 0.91, "story_accuracy": 1.0}, CURRENT, 0.01).replace


def test_a_story_that_stops_passing_is_worse():
    assert decide({**CURRENT, "story_accuracy": 0.96}, CURRENT, 0.0).worse == ("story_accuracy",)


def test_the_first_model_is_taken_as_it_is_and_a_missing_figure_counts_as_worse():
    assert decide({"intent_f1": 0.5}, None, 0.0).replace
    assert decide({"intent_f1": 0.95, "entity_f1": None, "story_accuracy": 1.0}, CURRENT, 0.0).worse == ("entity_f1",)


def test_figures_are_read_from_rasas_reports(tmp_path):
    (tmp_path / "intent_report.json").write_text(json.dumps(
        {"accuracy": 0.96, "macro avg": {"f1-score": 0.951}}), encoding="utf-8")
    (tmp_path / "DIETClassifier_report.json").write_text(json.dumps({"micro avg": {"f1-score": 0.907}}))
    (tmp_path / "story_report.json").write_text(json.dumps(
        {"conversation_accuracy": {"accuracy": 0.9615, "correct": 25, "with_warnings": 0, "total": 26}}))
    assert figures(tmp_path) == {"intent_f1": 0.951, "intent_accuracy": 0.96, "entity_f1": 0.907,
                                 "story_accuracy": 0.9615, "stories": 26, "stories_failed": 1}


def project(tmp_path: Path) -> BotProject:
    """A bot project on the repository's data whose Rasa server is not running (a free port)."""
    settings = BotTrainingSettings(project_dir=ROOT, model_dir=tmp_path / "models",
                                   reviewed_file=tmp_path / "reviewed.yml")
    settings.model_dir.mkdir()
    return BotProject(settings, BotSettings(url=f"http://127.0.0.1:{free_port()}"))


def test_when_the_server_cannot_load_the_candidate_the_current_model_file_stays(tmp_path):
    bot = project(tmp_path)
    bot.current.write_bytes(b"the model in service")
    candidate = bot.model_dir / "candidate.tar.gz"
    candidate.write_bytes(b"a better model")
    with pytest.raises(BotTrainingError, match="Rasa 服务无法连接"):
        bot.swap_in(candidate, CURRENT)
    assert bot.current.read_bytes() == b"the model in service"


def test_rollback_needs_a_previous_model(tmp_path):
    bot = project(tmp_path)
    bot.current.write_bytes(b"the only model")
    with pytest.raises(Conflict):
        bot.rollback()


def test_the_reviewed_examples_are_trained_on_even_outside_the_data_folders(tmp_path):
    bot = project(tmp_path)
    assert str(tmp_path / "reviewed.yml") not in bot.data_args()
    (tmp_path / "reviewed.yml").write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    assert bot.data_args()[-1] == str((tmp_path / "reviewed.yml").resolve())


def test_a_bot_retrain_whose_rasa_is_missing_fails_with_a_readable_message(client, app_context, tmp_path):
    from tests.helpers import wait_for_job

    app_context.learning.bot = app_context.learning.bot.model_copy(update={"rasa": tmp_path / "no-rasa"})
    job = client.post("/api/models/retrain?model=bot", headers=auth("trainer"))
    assert job.status_code == 202 and job.json()["model"] == "bot"
    done = wait_for_job(client, job.json()["id"])
    assert done["status"] == "failed" and "rasa data" in done["message"]
    assert client.get("/api/models?model=bot", headers=auth("trainer")).json()["current"] is None
