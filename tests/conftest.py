"""Shared fixtures: the project's sample data and one classifier trained on it per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.dataset import Example, load_examples
from classifier.model import ComplaintClassifier

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


@pytest.fixture(scope="session")
def sample_train() -> list[Example]:
    return load_examples(SAMPLE / "messages_train.csv")


@pytest.fixture(scope="session")
def sample_test() -> list[Example]:
    return load_examples(SAMPLE / "messages_test.csv")


@pytest.fixture(scope="session")
def trained_model(sample_train: list[Example]) -> ComplaintClassifier:
    """Trained once: fitting takes a few seconds even on the sample."""
    model = ComplaintClassifier(min_df=1, calibration_folds=3)
    return model.fit([e.text for e in sample_train], [e.label for e in sample_train])
