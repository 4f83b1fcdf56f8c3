"""The CLI as a user runs it: real files, exit codes and messages. The model is trained by a real process
(``python -m classifier``) and an unknown command is refused by one; the other commands run the same ``main``
in this process, which spares a Python start-up (with scikit-learn and jieba) per command."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest

from classifier.cli import main
from tests.helpers import ROOT, SAMPLE


def run_cli(*args: str, models: Path) -> SimpleNamespace:
    """``python -m classifier --models MODELS ARGS`` in this process: its exit code, stdout and stderr."""
    stdout, stderr = StringIO(), StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(["--models", str(models), *args])
    return SimpleNamespace(returncode=code, stdout=stdout.getvalue(), stderr=stderr.getvalue())


@pytest.fixture(scope="module")
def trained_registry(tmp_path_factory) -> Path:
    models = tmp_path_factory.mktemp("registry")
    result = subprocess.run([sys.executable, "-m", "classifier", "--models", str(models), "train", "--data",
                             str(SAMPLE / "messages_train.csv")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return models


def test_train_prints_the_new_version_and_shows_progress(trained_registry):
    assert (trained_registry / "CURRENT").read_text().strip()
    listing = run_cli("models", "list", models=trained_registry)
    assert listing.stdout.startswith("* ")


def test_train_shows_progress_on_stderr(tmp_path):
    result = run_cli("train", "--data", str(SAMPLE / "messages_train.csv"), "--no-promote", models=tmp_path)
    assert result.returncode == 0
    assert "[训练 train 1/4]" in result.stderr
    assert json.loads(result.stdout)["promoted"] is False
    assert not (tmp_path / "CURRENT").exists()


def test_predict_prints_labels_with_probabilities_evidence_and_subcategories(trained_registry):
    result = run_cli("predict", "楼下烧烤店油烟直排，晚上还很吵", "--json", models=trained_registry)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert len(output["labels"]) == 3
    assert output["labels"][0]["label"] == "环境保护"
    assert output["labels"][0]["evidence"]
    assert all(c["method"] == "rule" for c in output["subcategories"])


def test_evaluate_writes_metrics_and_a_confusion_matrix_png(trained_registry, tmp_path):
    result = run_cli("evaluate", "--data", str(SAMPLE / "messages_test.csv"), "--json",
                     "--report-dir", str(tmp_path), models=trained_registry)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for key in ("accuracy", "macro_f1", "top2_accuracy", "ece", "per_class", "confusion_matrix"):
        assert key in report
    assert (tmp_path / "confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"


def test_missing_data_file_exits_2_with_a_bilingual_message(tmp_path):
    result = run_cli("train", "--data", str(tmp_path / "nope.csv"), models=tmp_path)
    assert result.returncode == 2
    assert "文件不存在" in result.stderr and "file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_file_without_label_column_exits_2_naming_the_column(tmp_path):
    data = tmp_path / "nolabel.csv"
    data.write_text("留言编号,留言主题,留言详情\n1,油烟扰民,烧烤店\n", encoding="utf-8")
    result = run_cli("train", "--data", str(data), models=tmp_path / "m")
    assert result.returncode == 2
    assert "一级标签" in result.stderr


def test_predict_without_a_trained_model_exits_3(tmp_path):
    result = run_cli("predict", "路灯坏了", models=tmp_path)
    assert result.returncode == 3
    assert "train" in result.stderr


def test_predict_with_empty_text_exits_2(trained_registry):
    result = run_cli("predict", "   ", models=trained_registry)
    assert result.returncode == 2
    assert "文本为空" in result.stderr


def test_rollback_with_one_version_exits_3_and_keeps_the_current_model(trained_registry):
    before = (trained_registry / "CURRENT").read_text()
    result = run_cli("models", "rollback", models=trained_registry)
    assert result.returncode == 3
    assert (trained_registry / "CURRENT").read_text() == before


def test_unknown_command_exits_2():
    result = subprocess.run([sys.executable, "-m", "classifier", "fly"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
