"""The learned dispatch model: trained and evaluated on the hand-written sample replies."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.errors import DataError
from routing.departments.cli import main
from routing.departments.data import load_replied, time_split
from routing.departments.evaluation import evaluate
from routing.departments.model import DispatchModel, threshold_for_precision
from routing.departments.training import fit_model, training_records
from routing.departments.units import Unit
from tests.helpers import SAMPLE

SAMPLE_REPLIES = SAMPLE / "replied_messages.csv"
CLI_KEYS = {"n", "labelled", "unit_type_top1", "unit_type_top3", "jurisdiction_accuracy", "unit_top1", "unit_top3",
            "auto_threshold", "auto_precision", "auto_coverage"}


@pytest.fixture(scope="module")
def split():
    return time_split(load_replied(SAMPLE_REPLIES))


@pytest.fixture(scope="module")
def model(split) -> DispatchModel:
    earlier, _ = split
    return fit_model(earlier, {"calibration_folds": 3, "threshold_folds": 3})


def test_unit_type_probabilities_are_a_distribution_over_the_learned_types(model):
    proba = model.predict_proba(["学校食堂饭菜质量差，孩子吃不饱"])
    assert proba.shape == (1, len(model.classes_))
    assert proba.sum() == pytest.approx(1.0)
    assert {"教育", "街道/乡镇", "住建/房产"} <= set(model.classes_)


def test_a_school_complaint_goes_to_education_with_the_terms_that_decided_it(model):
    first = model.suggest(["青山区一所小学违规收取课后服务费，家长很有意见"])[0][0]
    assert first.unit == Unit("青山区", "教育")
    assert first.evidence["terms"]


def test_a_message_about_a_street_goes_to_that_street_office_in_its_district(model):
    suggestions = model.suggest(["河西街道红星村的路灯坏了半个月，晚上出门很不方便"], k=3)[0]
    streets = [s.unit for s in suggestions if s.unit.unit_type == "街道/乡镇"]
    assert Unit("青山区", "街道/乡镇", "河西街道") in streets


def test_a_unit_the_message_names_gains_odds_and_is_shown_as_evidence(model, split):
    text = ["河西街道有个路口晚上总有人飙车，希望交警大队管一管"]
    plain = fit_model(split[0], {"calibration_folds": 3, "threshold_holdout": 0.0, "threshold_folds": 0,
                                 "named_unit_boost": 0.0})
    police = list(model.classes_).index("公安/交警")
    assert model.predict_proba(text)[0, police] > plain.predict_proba(text)[0, police]
    scores = {s.label: s for s in model.type_scores(text)[0]}
    assert scores["公安/交警"].evidence[0].term == "交警大队"
    assert sum(s.probability for s in scores.values()) == pytest.approx(1.0)


def test_referrals_are_training_labels_only_when_all_labels_are_chosen(split):
    earlier, _ = split
    referred = {r.id for r in earlier if r.extraction and not r.extraction.handling}
    every = {r.id for r in training_records(earlier, "all")}
    handling = {r.id for r in training_records(earlier, "handling")}
    assert referred and referred <= every
    assert handling == every - referred == {r.id for r in earlier if r.labelled}
    assert {r.id for r in training_records(earlier, "strong")} <= handling
    with pytest.raises(DataError):
        training_records(earlier, "most")


def test_suggestions_are_at_most_k_and_ranked_by_score(model):
    suggestions = model.suggest(["小区物业擅自涨停车费", "公交车班次太少"], k=2)
    assert all(len(s) <= 2 for s in suggestions)
    assert all(s[0].score >= s[-1].score for s in suggestions)


def test_auto_dispatch_needs_the_threshold_and_a_complete_unit(model):
    suggestion = model.suggest(["青山区教育局请查处违规补课"])[0][0]
    model_threshold = model.auto_threshold_
    try:
        model.auto_threshold_ = 0.0
        assert model.should_auto_dispatch(suggestion) == suggestion.unit.complete
        model.auto_threshold_ = 1.01
        assert not model.should_auto_dispatch(suggestion)
    finally:
        model.auto_threshold_ = model_threshold


def test_evaluation_on_the_later_messages_gives_every_figure(model, split):
    _, later = split
    figures = evaluate(model, later).to_dict()
    assert CLI_KEYS <= set(figures)
    assert figures["n"] == len(later) and 0 < figures["labelled"] <= len(later)
    for key in ("unit_type_top1", "unit_type_top3", "unit_top1", "unit_top3"):
        assert 0.0 <= figures[key] <= 1.0
    assert figures["unit_type_top3"] >= figures["unit_type_top1"]
    assert figures["unit_type_top1"] >= 0.5


def test_the_threshold_is_the_lowest_score_that_keeps_precision():
    scores = np.array([0.95, 0.9, 0.8, 0.7, 0.6])
    correct = np.array([True, True, True, False, True])
    assert threshold_for_precision(scores, correct, 0.95) == 0.8
    assert threshold_for_precision(scores, correct, 0.75) == 0.6
    assert threshold_for_precision(np.array([0.9]), np.array([False]), 0.95) == 1.0


def test_the_threshold_is_chosen_on_the_latest_examples_by_a_model_of_the_earlier_ones(split):
    earlier, _ = split
    model = fit_model(earlier, {"calibration_folds": 3, "threshold_holdout": 0.25})
    chosen = training_records(earlier, "all")
    latest = [model.gazetteer_.complete(r.extraction.unit) for r in chosen[round(len(chosen) * 0.75):]]
    assert len(model.oof_scores_) == sum(1 for unit in latest if unit.complete) > 0
    assert model.auto_threshold_ == threshold_for_precision(model.oof_scores_, model.oof_correct_, 0.95)


def test_tied_scores_are_taken_or_left_together():
    scores = np.array([0.9, 0.8, 0.8])
    correct = np.array([True, True, False])
    assert threshold_for_precision(scores, correct, 0.95) == 0.9


def test_mismatched_inputs_are_refused():
    with pytest.raises(ValueError):
        DispatchModel().fit(["一条留言"], [])


# ---- the command line --------------------------------------------------------------------

def test_train_then_evaluate_prints_the_figures_as_json(tmp_path, capsys):
    models, reports = tmp_path / "models", tmp_path / "reports"
    argv = ["--models", str(models)]
    assert main([*argv, "train", "--data", str(SAMPLE_REPLIES), "--set", "threshold_folds=3",
                 "--set", "calibration_folds=3"]) == 0
    trained = json.loads(capsys.readouterr().out)
    assert trained["promoted"] and trained["n_labelled"] > 0
    assert main([*argv, "evaluate", "--data", str(SAMPLE_REPLIES), "--json", "--report-dir", str(reports)]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert CLI_KEYS <= set(figures)
    assert figures["n"] == len(load_replied(SAMPLE_REPLIES)) - round(len(load_replied(SAMPLE_REPLIES)) * 0.8)
    assert (reports / "departments_precision_coverage.png").stat().st_size > 0


def test_the_random_split_is_offered_as_a_diagnostic(capsys):
    code = main(["experiment", "--data", str(SAMPLE_REPLIES), "--split", "random", "--no-baselines", "--json",
                 "--set", "threshold_holdout=0", "--set", "threshold_folds=0", "--set", "calibration_folds=3"])
    assert code == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["split"] == "random" and figures["n"] == round(len(load_replied(SAMPLE_REPLIES)) * 0.2)


def test_an_unknown_model_parameter_is_a_clear_error(capsys):
    code = main(["experiment", "--data", str(SAMPLE_REPLIES), "--split", "validation", "--set", "colour=blue"])
    assert code == 2
    assert "unknown parameter" in capsys.readouterr().err


def test_a_file_without_replies_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "messages.csv"
    path.write_text("留言编号,留言主题,留言时间\nX1,路灯不亮,2024/1/1 10:00:00\n", encoding="utf-8")
    assert main(["--models", str(tmp_path / "m"), "train", "--data", str(path)]) == 2
    assert "答复意见" in capsys.readouterr().err


def test_evaluating_without_a_trained_model_says_so(tmp_path, capsys):
    assert main(["--models", str(tmp_path / "none"), "evaluate", "--data", str(SAMPLE_REPLIES)]) == 3
