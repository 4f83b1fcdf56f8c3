"""The bot's catalogue-derived NLU files: every item name the catalogue knows reaches the bot."""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache

import yaml

from service_guide.export_nlu import ROOT, TEMPLATES, USERDICT, bot_tokenizer, examples_yaml
from service_guide.loader import load_catalogue

CATALOGUE = ROOT / "service_guide" / "data" / "qingshan_catalogue.yml"


@cache
def generated_examples() -> dict[str, list[str]]:
    """Generated once for the module's tests (the bot's tokenizer loads its dictionary): read, never changed."""
    templates = yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))["intents"]
    tokenizer = bot_tokenizer(USERDICT.read_text(encoding="utf-8"))
    data = yaml.safe_load(examples_yaml(load_catalogue(CATALOGUE), templates, tokenizer))
    return {block["intent"]: [line[2:] for line in block["examples"].splitlines()] for block in data["nlu"]}


def test_every_item_name_and_alias_is_annotated_exactly_once():
    catalogue = load_catalogue(CATALOGUE)
    entries = [*catalogue.items.values(), *catalogue.bundles.values()]
    names = {e.name for e in entries} | {a for e in entries for a in e.aliases}
    annotated = [m for examples in generated_examples().values() for line in examples
                 for m in re.findall(r"\[([^\]]+)\]\(service_item\)", line)]
    assert sorted(annotated) == sorted(names)


def test_a_name_that_starts_with_a_verb_is_not_doubled():
    lines = [line for examples in generated_examples().values() for line in examples]
    assert "[办护照](service_item)" in "".join(lines)
    assert not any("办[办" in line for line in lines)


def test_the_names_are_spread_over_the_question_intents():
    counts = {intent: len(examples) for intent, examples in generated_examples().items()}
    assert set(counts) >= {"ask_materials", "ask_fee", "ask_place", "ask_online", "inform_item"}
    assert max(counts.values()) - min(counts.values()) <= 1


def test_the_committed_files_are_up_to_date():
    result = subprocess.run([sys.executable, "-m", "service_guide.export_nlu", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def annotated(path) -> list[tuple[str, list[tuple[int, int]]]]:
    """(text, entity spans) of every annotated training example in ``path``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = []
    for block in data["nlu"]:
        for line in block.get("examples", "").splitlines() if "intent" in block else []:
            example, text, spans, pos = line.strip()[2:], "", [], 0
            for match in re.finditer(r"\[([^\]]+)\]\(([^)]+)\)", example):
                text += example[pos:match.start()]
                spans.append((len(text), len(text) + len(match.group(1))))
                text += match.group(1)
                pos = match.end()
            if spans:
                examples.append((text + example[pos:], spans))
    return examples


def test_every_entity_in_the_training_data_lines_up_with_the_bots_jieba_tokens():
    tokenizer = bot_tokenizer(USERDICT.read_text(encoding="utf-8"))
    misaligned = []
    for path in (ROOT / "nlu_data").glob("*.yml"):
        for text, spans in annotated(path):
            bounds = {b for _, start, end in tokenizer.tokenize(text) for b in (start, end)}
            misaligned += [text for start, end in spans if start not in bounds or end not in bounds]
    assert misaligned == []
