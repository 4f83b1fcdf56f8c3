"""The NLU test and development sets are written apart from the training data, so `make bot-eval`
measures new wording and the development set can guide data changes without touching the test set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def example_texts(path: Path) -> set[str]:
    """Every intent example in a Rasa NLU file, with entity markup removed."""
    texts = set()
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in block.get("examples", "").splitlines() if "intent" in block else []:
            texts.add(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:]))
    return texts


DEVELOPMENT_SETS = ["nlu_dev.yml", "nlu_dev2.yml", "nlu_dev_typos.yml"]


@pytest.mark.parametrize("held_out", ["nlu_test.yml", *DEVELOPMENT_SETS])
def test_no_held_out_sentence_is_also_a_training_example(held_out):
    sentences = example_texts(ROOT / "bot" / "tests" / held_out)
    shared = {path.name: sorted(example_texts(path) & sentences) for path in (ROOT / "nlu_data").glob("*.yml")}
    assert {name: texts for name, texts in shared.items() if texts} == {}


@pytest.mark.parametrize("development_set", DEVELOPMENT_SETS)
def test_a_development_set_does_not_repeat_the_test_set(development_set):
    tests = ROOT / "bot" / "tests"
    assert example_texts(tests / development_set) & example_texts(tests / "nlu_test.yml") == set()
