"""Whether a message reports a problem or asks for a service: a character n-gram Naive Bayes learned at
action-server start-up (in the background), so that a citizen who describes a situation while asking for a service
(我在老家结的婚，现在想把户口迁过来) is not taken for a complainant, without a list of cue words.

Problem reports are the titles of real hotline messages (training, hot and replied ones) and of Fuzhou 投诉
orders (../shared/data); service questions are the catalogue's item names, aliases and conditions (the
situations the items are for). The bot's own NLU examples of complaints and of service questions are added to
both. Without ../shared/data no model is built and the bot decides as before (``problem_odds`` returns None).
"""

from __future__ import annotations

import csv
import math
import os
import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from actions.coverage import nlu_blocks

REPO = Path(__file__).parents[2]
#: Where the real data lives (never committed): the worktree's ../shared/data unless configured.
SHARED_DATA = Path(os.environ.get("BOT_SHARED_DATA", REPO.parent / "shared" / "data"))
#: Hotline messages whose titles are problem reports (the frozen test split messages_test.csv is never read).
MESSAGE_FILES = ("messages_train.csv", "hot_messages.csv", "replied_messages.csv")
CATALOGUE = REPO / "service_guide" / "data" / "qingshan_catalogue.yml"
#: NLU intents whose examples ask for a service; file_complaint's examples report problems.
SERVICE_INTENTS = {"ask_materials", "ask_conditions", "ask_time_limit", "ask_fee", "ask_place", "ask_online",
                   "inform_item", "start_precheck"}
#: Character n-grams of these lengths are the features, and Laplace smoothing: chosen on the NLU development
#: sets (nlu_dev, nlu_dev2, nlu_dev_typos), file_complaint against the service intents.
NGRAMS = (1, 2)
ALPHA = 1.0
ENTITY_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")
NOT_TEXT = re.compile(r"[^\u4e00-\u9fa5A-Za-z0-9]+")


def features(text: str) -> List[str]:
    """The character n-grams of a text's words (punctuation and spaces dropped, A市-style codes kept)."""
    said = NOT_TEXT.sub("", text)
    return [said[i:i + n] for n in NGRAMS for i in range(len(said) - n + 1)]


@dataclass
class NaiveBayes:
    """A two-class multinomial Naive Bayes with equal priors (the sources' sizes say nothing of how often
    citizens complain)."""

    counts: Tuple[Counter, Counter]
    totals: Tuple[int, int]
    vocabulary: int

    @classmethod
    def fit(cls, problems: Iterable[str], services: Iterable[str]) -> "NaiveBayes":
        counts = (Counter(g for t in problems for g in features(t)), Counter(g for t in services for g in features(t)))
        return cls(counts, (sum(counts[0].values()), sum(counts[1].values())), len(set(counts[0]) | set(counts[1])))

    def log_odds(self, text: str) -> float:
        """log P(text | problem) − log P(text | service), per n-gram (so long and short texts compare)."""
        grams = features(text)
        if not grams:
            return 0.0
        score = 0.0
        for gram in grams:
            problem = (self.counts[0][gram] + ALPHA) / (self.totals[0] + ALPHA * self.vocabulary)
            service = (self.counts[1][gram] + ALPHA) / (self.totals[1] + ALPHA * self.vocabulary)
            score += math.log(problem) - math.log(service)
        return score / len(grams)


def titles(path: Path, column: str, keep: Optional[Tuple[str, str]] = None) -> List[str]:
    with path.open(encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle)
                if row.get(column) and (keep is None or row.get(keep[0]) == keep[1])]


def catalogue_phrases(path: Path = CATALOGUE) -> List[str]:
    """Item names, aliases and conditions: what citizens asking for a service say about it and themselves."""
    items = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("items") or []
    phrases: List[str] = []
    for item in items:
        phrases += [item.get("name") or "", *(item.get("aliases") or []), *(item.get("conditions") or [])]
    return [p for p in phrases if p]


def nlu_examples() -> Dict[str, List[str]]:
    """The NLU examples by intent, entity markup removed."""
    examples: Dict[str, List[str]] = {}
    for block in nlu_blocks():
        if "intent" not in block:
            continue
        lines = [re.sub(r"^\s*-\s*", "", line) for line in str(block.get("examples") or "").splitlines()]
        examples.setdefault(block["intent"], []).extend(
            ENTITY_MARKUP.sub(lambda m: m.group(1) or m.group(2), line) for line in lines if line.strip())
    return examples


def training_sets(data: Path = SHARED_DATA) -> Optional[Tuple[List[str], List[str]]]:
    """Problem reports and service questions, or None when the real data is absent."""
    fuzhou = data / "fuzhou12345_water_complaints.csv"
    messages = [data / name for name in MESSAGE_FILES]
    if not (fuzhou.exists() and CATALOGUE.exists() and all(path.exists() for path in messages)):
        return None
    examples = nlu_examples()
    problems = [t for path in messages for t in titles(path, "留言主题")] + titles(fuzhou, "标题", ("性质", "投诉")) \
        + examples.get("file_complaint", [])
    services = catalogue_phrases() + [t for intent in SERVICE_INTENTS for t in examples.get(intent, [])]
    return problems, services


@lru_cache(maxsize=1)
def model() -> Optional[NaiveBayes]:
    """Built once per action server, from the data (about 9,000 short texts: about two seconds)."""
    sets = training_sets()
    return NaiveBayes.fit(*sets) if sets else None


def problem_odds(text: str) -> Optional[float]:
    """How much more the text looks like a problem report than a service question (> 0: a problem);
    None without the real data."""
    learned = model()
    return learned.log_odds(text) if learned else None


#: Built in the background when the action server imports the actions, so no citizen waits for it.
threading.Thread(target=model, name="problem-model", daemon=True).start()
