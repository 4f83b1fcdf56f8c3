"""The NLU test set is written apart from the training data, so `make bot-eval` measures new wording."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def example_texts(path: Path) -> set[str]:
    """Every intent example in a Rasa NLU file, with entity markup removed."""
    texts = set()
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in block.get("examples", "").splitlines() if "intent" in block else []:
            texts.add(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:]))
    return texts


def test_no_test_sentence_is_also_a_training_example():
    test = example_texts(ROOT / "bot" / "tests" / "nlu_test.yml")
    shared = {path.name: sorted(example_texts(path) & test) for path in (ROOT / "nlu_data").glob("*.yml")}
    assert {name: texts for name, texts in shared.items() if texts} == {}
