"""What to do with a question: answer one item, ask between siblings, offer candidates, or say "not ours".

The matcher ranks; this module decides, so that a citizen never meets a silent nothing:

- a **calibrated confidence**: a small logistic model over the ranking's own signals (top score,
  lead over the runner-up, how much of the question is catalogue language, a place outside the
  province) gives the probability that the first item is the one meant, and the probability that
  the question is about something no guide covers. Its coefficients are fitted by
  ``python -m service_guide.search calibrate`` on labelled questions and kept in
  ``config/search.yml`` with the thresholds;
- **not_found** only when the question is out of the catalogue with high probability, or names a
  place outside the area the catalogue serves (another city's 公积金 is not ours to answer);
- **siblings** when the leading names are the same but for one word (弩的购置审批 / 弩的运输审批):
  the question asks for that word ("您是要购置还是运输？");
- **clarify** ("您是不是要问…") with the best candidates when the first is not confident enough;
- **answer** otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from service_guide.catalogue import Catalogue
from service_guide.matcher import ItemMatcher, Match, Ranking
from service_guide.ranker import LearnedRanker, decision_features, load_ranker
from service_guide.vocabulary import DEFAULT_VOCABULARY, Vocabulary

log = logging.getLogger(__name__)

CONFIG_FILE = Path(__file__).resolve().parent / "config" / "search.yml"
DECISIONS = ("answer", "siblings", "clarify", "not_found")
FEATURES = ("top", "lead", "name", "guide", "known", "foreign_place", "length")


@dataclass(frozen=True)
class Option:
    label: str
    code: str
    name: str


@dataclass(frozen=True)
class Decision:
    decision: str  # one of DECISIONS
    confidence: float  # probability that matches[0] is the item meant (0 when not_found)
    matches: tuple[Match, ...]  # offered, best first; empty when not_found
    question: str | None = None
    options: tuple[Option, ...] = ()
    out_of_catalogue: float = 0.0  # probability that no guide covers the question
    candidates: tuple[Match, ...] = field(default=(), repr=False)  # the ranking, even when nothing is offered

    @property
    def ambiguous(self) -> bool:
        return self.decision in ("siblings", "clarify")


@dataclass(frozen=True)
class Calibration:
    """Two logistic models over FEATURES (first: top item right; second: out of catalogue) and the thresholds."""

    right: tuple[float, ...]  # intercept, then one coefficient per feature
    outside: tuple[float, ...]
    answer_at: float = 0.6  # confidence needed to answer without asking
    not_found_at: float = 0.5  # out-of-catalogue probability needed to say so
    #: ...unless the question holds at least this share of the best item's name: an item named, even with a typo
    #: (办营业执找), is in the catalogue whatever the not-found model reads from the rest of the sentence.
    named_at: float = 1.01
    sibling_ratio: float = 0.85  # a sibling's blend score must be at least this share of the best's
    sibling_score_ratio: float = 0.0  # and its score (the ranker's probability) at least this share of the best's
    close_ratio: float = 0.8  # a runner-up this close to the best is offered too, whatever the confidence

    @staticmethod
    def _p(coefs: tuple[float, ...], x: np.ndarray) -> float:
        return float(1 / (1 + np.exp(-(coefs[0] + float(np.dot(coefs[1:], x))))))

    def right_p(self, x: np.ndarray) -> float:
        return self._p(self.right, x)

    def outside_p(self, x: np.ndarray) -> float:
        return self._p(self.outside, x)


def load_config(path: Path | str = CONFIG_FILE) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}


def _name_words(segmenter, name: str) -> list[str]:
    return [w for w in segmenter.cut(name) if w.strip()]


def sibling_labels(segmenter, first: str, second: str) -> tuple[str, str] | None:
    """The words that tell two names apart when they differ in exactly one place, else None.

    Compared word by word (jieba), so 转入/转出 give 转入 and 转出, not 入 and 出.
    """
    a, b = _name_words(segmenter, first), _name_words(segmenter, second)
    ops = [op for op in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if len(ops) != 1:
        return None
    _, i1, i2, j1, j2 = ops[0]
    left, right = "".join(a[i1:i2]).strip("（）()、"), "".join(b[j1:j2]).strip("（）()、")
    shared = len(first) - len("".join(a[i1:i2]))
    if not left or not right or shared < max(len(left), len(right)):
        return None
    return left, right


class CatalogueSearch:
    """The matcher plus the decision: what the API, the bot and the console call."""

    def __init__(self, matcher: ItemMatcher, calibration: Calibration, learned: LearnedRanker | None = None) -> None:
        self.matcher = matcher
        self.calibration = calibration
        self.learned = learned

    @staticmethod
    def features(ranking: Ranking) -> np.ndarray:
        """The ranking's signals, in the order of FEATURES."""
        matches = ranking.matches
        top = matches[0] if matches else None
        second = matches[1].score if len(matches) > 1 else 0.0
        return np.array([top.score if top else 0.0, (top.score - second) if top else 0.0,
                         top.name_fit if top else 0.0, top.guide_fit if top else 0.0, ranking.known,
                         float(ranking.foreign_place), np.log1p(len(ranking.words))])

    def decide(self, query: str, k: int = 3) -> Decision:
        ranking = self.matcher.rank(query, max(k, 3))
        candidates = list(ranking.matches)
        if self.learned is not None:
            x = decision_features(ranking)
            outside, right = self.learned.outside_p(x), self.learned.right_p(x)
        else:
            x = self.features(ranking)
            outside, right = self.calibration.outside_p(x), self.calibration.right_p(x)
        outside = round(outside, 4)
        named = bool(candidates) and candidates[0].name_fit >= self.calibration.named_at
        if not candidates or outside >= self.calibration.not_found_at and not named or ranking.foreign_place:
            return Decision("not_found", 0.0, (), out_of_catalogue=outside, candidates=tuple(candidates))
        confidence = round(right * (1 - outside), 4)
        siblings = self._siblings(query, candidates)
        if siblings:
            matches, labels = siblings
            options = tuple(Option(label, m.code, m.name) for label, m in zip(labels, matches, strict=True))
            return Decision("siblings", confidence, tuple(matches), self._sibling_question(labels), options,
                            outside, tuple(candidates))
        offered = tuple(candidates[:k])
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        if confidence >= self.calibration.answer_at and runner_up < candidates[0].score * self.calibration.close_ratio:
            return Decision("answer", confidence, offered, out_of_catalogue=outside, candidates=tuple(candidates))
        options = tuple(Option(m.name, m.code, m.name) for m in offered)
        return Decision("clarify", confidence, offered, "您是不是要问以下事项？", options, outside, tuple(candidates))

    def _siblings(self, query: str, candidates: list[Match]) -> tuple[list[Match], list[str]] | None:
        """The best item and its close siblings with their distinguishing words, unless the question names one."""
        best = candidates[0]
        close = [m for m in candidates[1:] if m.blend >= best.blend * self.calibration.sibling_ratio
                 and m.score >= best.score * self.calibration.sibling_score_ratio]
        segmenter = self.matcher.segmenter
        group, labels = [best], []
        for other in close:
            pair = sibling_labels(segmenter, best.name, other.name)
            if pair is None:
                continue
            if not labels:
                labels.append(pair[0])
            group.append(other)
            labels.append(pair[1])
        if len(group) < 2:
            return None
        text = query.replace(" ", "")
        named = [label for label in labels if label in text]
        if len(named) == 1:
            return None  # the question already says which one
        return group, labels

    @staticmethod
    def _sibling_question(labels: list[str]) -> str:
        if len(labels) == 2:
            return f"您是要{labels[0]}还是{labels[1]}？"
        return f"您是要{'、'.join(labels[:-1])}还是{labels[-1]}？"


@lru_cache(maxsize=4)
def _cached_vocabulary(path: str, mtime: float) -> Vocabulary:
    return Vocabulary.load(path)


def load_vocabulary(path: Path | str, settings: dict) -> Vocabulary:
    """The artefact (read once per file version), with the parameters of ``config/search.yml``."""
    path = Path(path)
    vocabulary = _cached_vocabulary(str(path.resolve()), path.stat().st_mtime)
    params = settings.get("vocabulary") or {}
    return Vocabulary(vocabulary.spaces, **params)


def build_search(catalogue: Catalogue, vocabulary: Path | str | None = DEFAULT_VOCABULARY,
                 use_vocabulary: bool = True, config: Path | str = CONFIG_FILE,
                 ranker: Path | str | None = None) -> CatalogueSearch:
    """The search for a catalogue, with the learned vocabulary and its ranker when their artefacts exist.

    Without them (``make train`` builds both) the search still works: on the catalogue's own words, in the
    blend's order, with the confidence models of ``config/search.yml``. ``ranker=None``: the blend alone. A ranker
    trained on another catalogue is not used (its names, siblings and not-found decision are that catalogue's).
    """
    settings = load_config(config)
    vocab = None
    path = Path(vocabulary or DEFAULT_VOCABULARY)
    if use_vocabulary and path.exists():
        vocab = load_vocabulary(path, settings)
    elif use_vocabulary:
        log.warning("catalogue vocabulary %s not found: searching without learned vocabulary", path)
    learned = None
    if ranker is not None and Path(ranker).exists():
        learned = load_ranker(ranker)
        if not learned.trained_on(catalogue):
            log.warning("catalogue ranker %s was trained on another catalogue: ranking by the blend alone "
                        "(make train builds one per catalogue)", ranker)
            learned = None
    elif ranker is not None:
        log.warning("catalogue ranker %s not found: ranking by the blend alone", ranker)
    matcher = ItemMatcher(vocabulary=vocab, ranker=learned, **(settings.get("matcher") or {})).fit(catalogue)
    section = "learned_calibration" if learned is not None else "calibration"
    own = learned.thresholds if learned is not None else {}  # the catalogue's own, stored with its ranker
    calibration = Calibration(**{k: tuple(v) if isinstance(v, list) else v
                                 for k, v in {**(settings.get("calibration") or {}),
                                              **(settings.get(section) or {}), **own}.items()})
    return CatalogueSearch(matcher, calibration, learned)


def calibrate(search: CatalogueSearch, rows: list[dict[str, str]]) -> dict[str, list[float]]:
    """Fit the two logistic models on labelled questions (an empty ``expected_name`` is out of catalogue)."""
    from sklearn.linear_model import LogisticRegression

    x, right, outside = [], [], []
    for row in rows:
        ranking = search.matcher.rank(row["query"], 3)
        expected = (row.get("expected_name") or "").strip()
        x.append(search.features(ranking))
        outside.append(int(not expected))
        right.append(int(bool(expected) and bool(ranking.matches) and ranking.matches[0].name == expected))
    x_all, outside_y, right_y = np.array(x), np.array(outside), np.array(right)
    inside = outside_y == 0
    coefs = {}
    for key, features, labels in (("right", x_all[inside], right_y[inside]), ("outside", x_all, outside_y)):
        model = LogisticRegression(C=1.0, max_iter=1000).fit(features, labels)
        coefs[key] = [round(float(model.intercept_[0]), 4), *(round(float(c), 4) for c in model.coef_[0])]
    return coefs


def main(argv: list[str] | None = None) -> int:
    from core.errors import UserFacingError
    from service_guide.bench import read_queries
    from service_guide.loader import load_catalogue

    parser = argparse.ArgumentParser(description="Fit the search's confidence models and store them in its config.")
    parser.add_argument("command", choices=["calibrate"])
    parser.add_argument("--catalogue", type=Path, required=True)
    parser.add_argument("--queries", type=Path, action="append", required=True,
                        help="labelled questions (query,expected_name; empty name = out of catalogue)")
    parser.add_argument("--vocabulary", type=Path, default=None)
    parser.add_argument("--config", type=Path, default=CONFIG_FILE)
    args = parser.parse_args(argv)
    try:
        search = build_search(load_catalogue(args.catalogue), vocabulary=args.vocabulary, config=args.config)
        rows = read_queries(args.queries)
    except (UserFacingError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 2
    coefs = calibrate(search, rows)
    text = args.config.read_text(encoding="utf-8")
    for key, values in coefs.items():
        text = re.sub(rf"^(\s+{key}: )\[.*\]$", lambda m, v=values: f"{m.group(1)}{v}", text, flags=re.MULTILINE)
    args.config.write_text(text, encoding="utf-8")
    print(json.dumps({"features": FEATURES, **coefs, "questions": len(rows)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
