"""Evaluation by time, against the two baselines, with the precision–coverage curve.

Scored on the messages whose reply names the unit that handled them (``labelled``; a referral,
请向…咨询, is not one):
- unit type top-1 / top-3 — the true type among the model's first (three) suggested units;
- jurisdiction accuracy — on labels whose jurisdiction is known: the first suggestion's;
- full unit top-1 / top-3 — on complete labels (jurisdiction known, and a street's name);
- auto-dispatch — precision and coverage (share of complete labels) of first suggestions
  scoring at least the threshold chosen in training.

The baselines answer only "which type": they are given the same jurisdiction and street
machinery as the model, so the comparison isolates the choice of unit type.
- ``routing_table`` — today's dispatcher: classifier categories spread over the sample
  district's routing table, each department mapped to its unit type by its name
  (``service.table_unit_types``: 青山区住房和城乡建设局 is 住建/房产, 河西街道办事处 街道/乡镇);
- ``category_default`` — the first-level category alone, sent to its default department.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from classifier.model import LabelScore
from routing.departments.data import RepliedMessage
from routing.departments.extract import Extraction, clean_reply
from routing.departments.model import DispatchModel, UnitSuggestion, threshold_for_precision
from routing.departments.units import Unit, default_jurisdictions

TypeScorer = Callable[[Sequence[str]], list[list[LabelScore]]]


@dataclass
class Outcome:
    """The suggestions for one labelled message and its true unit."""

    id: str
    truth: Unit
    suggestions: list[UnitSuggestion]
    rule: str
    types: list[str]

    def type_rank(self) -> int | None:
        """Where the true type is in the type ranking (a model may fold rare types into 其他)."""
        return self.types.index(self.truth.unit_type) if self.truth.unit_type in self.types else None

    def unit_rank(self) -> int | None:
        keys = [s.key for s in self.suggestions]
        return keys.index(self.truth.key) if self.truth.key in keys else None


@dataclass
class Report:
    n: int
    outcomes: list[Outcome]
    auto_threshold: float
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        labelled = self.outcomes
        with_place = [o for o in labelled if o.truth.jurisdiction is not None]
        complete = [o for o in labelled if o.truth.complete]
        scores, correct = _top_scores(complete)
        auto = scores >= self.auto_threshold
        result = {
            "n": self.n,
            "labelled": len(labelled),
            "unit_type_top1": _share(labelled, lambda o: o.type_rank() == 0),
            "unit_type_top3": _share(labelled, lambda o: o.type_rank() is not None and o.type_rank() < 3),
            "jurisdiction_n": len(with_place),
            "jurisdiction_accuracy": _share(with_place, lambda o: bool(o.suggestions)
                                            and o.suggestions[0].unit.jurisdiction == o.truth.jurisdiction),
            "unit_n": len(complete),
            "unit_top1": _share(complete, lambda o: o.unit_rank() == 0),
            "unit_top3": _share(complete, lambda o: o.unit_rank() is not None and o.unit_rank() < 3),
            "auto_threshold": round(float(self.auto_threshold), 4),
            "auto_precision": round(float(correct[auto].mean()), 4) if auto.any() else None,
            "auto_coverage": round(float(auto.mean()), 4) if len(auto) else 0.0,
            "coverage_at_precision_95": coverage_at_precision(scores, correct, 0.95),
        }
        return {**result, **self.extra}

    def curve(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Coverage and precision of auto-dispatch at every threshold, over complete labels."""
        complete = [o for o in self.outcomes if o.truth.complete]
        scores, correct = _top_scores(complete)
        correct = correct.astype(float)
        order = np.argsort(-scores, kind="stable")
        precision = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
        coverage = np.arange(1, len(order) + 1) / max(len(order), 1)
        return coverage, precision, scores[order]


def _top_scores(outcomes: list[Outcome]) -> tuple[np.ndarray, np.ndarray]:
    """The first suggestion's score (0 when it is not a complete unit: it cannot be dispatched) and
    whether it is right."""
    scores = np.array([o.suggestions[0].score if o.suggestions and o.suggestions[0].unit.complete else 0.0
                       for o in outcomes])
    return scores, np.array([o.unit_rank() == 0 for o in outcomes], dtype=bool)


def _share(items: list, test: Callable) -> float | None:
    return round(sum(1 for o in items if test(o)) / len(items), 4) if items else None


def coverage_at_precision(scores: np.ndarray, correct: np.ndarray, target: float) -> float:
    """The largest share of messages auto-dispatched with precision ≥ target (best threshold in hindsight)."""
    if len(scores) == 0:
        return 0.0
    threshold = threshold_for_precision(scores, correct, target)
    return round(float((scores >= threshold).mean()), 4) if threshold < 1.0 or (scores >= 1.0).any() else 0.0


def evaluate(model: DispatchModel, records: Sequence[RepliedMessage],
             type_scorer: TypeScorer | None = None, auto_threshold: float | None = None) -> Report:
    """Score ``model`` (or, with ``type_scorer``, a baseline's types through the model's place
    machinery) on the labelled ``records``."""
    labelled = [r for r in records if r.labelled]
    truths = [model.gazetteer_.complete(r.handler) for r in labelled]
    texts = [clean_reply(r.text) for r in labelled]
    analyses = model.type_scores(texts) if type_scorer is None else type_scorer(texts)
    suggestions = model.suggest_from_types(texts, analyses, k=3)
    outcomes = [Outcome(r.id, t, s, r.extraction.rule, [a.label for a in analysis])
                for r, t, s, analysis in zip(labelled, truths, suggestions, analyses, strict=False)]
    threshold = model.auto_threshold_ if auto_threshold is None else auto_threshold
    return Report(n=len(records), outcomes=outcomes, auto_threshold=threshold)


def by_rule(report: Report) -> dict[str, dict]:
    """Type top-1 per extraction rule: are weakly labelled messages harder (or wrongly labelled)?"""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in report.outcomes:
        groups[outcome.rule].append(outcome)
    return {rule: {"n": len(items), "unit_type_top1": _share(items, lambda o: o.type_rank() == 0)}
            for rule, items in sorted(groups.items())}


# ---- baselines -----------------------------------------------------------------------------

def routing_table_scorer(classifier, dispatcher, types: dict[str, str]) -> TypeScorer:
    """Today's dispatch: the classifier's categories through the routing table, departments → types."""

    def score(texts: Sequence[str]) -> list[list[LabelScore]]:
        results = []
        for text, categories in zip(texts, classifier.analyse(list(texts), top_k=3), strict=False):
            totals: dict[str, float] = defaultdict(float)
            for suggestion in dispatcher.suggest(text, categories, k=10):
                totals[types[suggestion.department]] += suggestion.score
            ranked = sorted(totals.items(), key=lambda item: -item[1])
            results.append([LabelScore(t, p) for t, p in ranked])
        return results

    return score


def category_default_scorer(classifier, table, types: dict[str, str]) -> TypeScorer:
    """The first-level category alone, each sent to its default department's type."""
    defaults = {r.category: types[r.department] for r in table.routes if r.default}

    def score(texts: Sequence[str]) -> list[list[LabelScore]]:
        results = []
        for categories in classifier.analyse(list(texts), top_k=len(classifier.classes_)):
            totals: dict[str, float] = defaultdict(float)
            for category in categories:
                if category.label in defaults:
                    totals[defaults[category.label]] += category.probability
            ranked = sorted(totals.items(), key=lambda item: -item[1])
            results.append([LabelScore(t, p) for t, p in ranked])
        return results

    return score


# ---- the curve -----------------------------------------------------------------------------

def plot_precision_coverage(reports: dict[str, Report], path: Path | str, threshold: float,
                            target: float = 0.95, title: str = "held-out messages") -> Path:
    """Precision against coverage of auto-dispatch for the model and the baselines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 5))
    for name, report in reports.items():
        coverage, precision, scores = report.curve()
        ax.plot(coverage, precision, label=name)
        if name == "model" and len(scores):
            chosen = (scores >= threshold).sum()
            if chosen:
                ax.scatter([coverage[chosen - 1]], [precision[chosen - 1]], color="black", zorder=3,
                           label=f"threshold {threshold:.2f} (chosen in training)")
    ax.axhline(target, color="grey", linestyle="--", linewidth=1, label=f"precision {target}")
    ax.set_xlabel("coverage (share of labelled orders auto-dispatched)")
    ax.set_ylabel("precision (full unit right)")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, 1)
    ax.set_title(f"Auto-dispatch: precision vs coverage ({title})")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


# ---- the extractor against hand labels ----------------------------------------------------

HAND_TYPES_FILE = Path(__file__).resolve().parent / "config" / "hand_label_types.yml"
_NO_UNIT = ("", "none")


def load_hand_type_map(path: Path | str = HAND_TYPES_FILE) -> dict[str, list[str]]:
    import yaml

    return {str(k): list(v) for k, v in (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).items()}


def hand_types(label: str, mapping: dict[str, list[str]]) -> list[str]:
    """The project's types a hand label stands for ([] for no unit)."""
    label = (label or "").strip()
    if label in _NO_UNIT:
        return []
    if label in mapping:
        return mapping[label]
    return ["其他"] if label.startswith("其他") else [label]


def jurisdiction_agrees(hand: str, mine: str | None) -> bool | None:
    """Whether a hand jurisdiction and the extractor's agree; None when the hand one says nothing.

    The annotator wrote codes (A7县, B市), 市 or 省 without a code, and zones inside a city
    (M市经开区) which count as their city.
    """
    hand = (hand or "").strip()
    if hand in _NO_UNIT or "?" in hand:
        return None
    if mine is None:
        return False
    if hand == "市":
        return mine.endswith("市")
    if hand == "省":
        return mine == "西地省"
    codes = default_jurisdictions().find(hand)
    return bool(codes) and codes[0] == mine


def check_labels(extractions: dict[str, Extraction | None], hand_rows: Sequence[dict],
                 mapping: dict[str, list[str]]) -> dict:
    """Coverage and precision of the extractor against hand labels (留言编号, jurisdiction,
    unit_type, unit_name, confidence). A unit extracted where the annotator saw none counts
    as wrong; a unit the annotator found where the extractor gives none lowers coverage only.
    Referrals are not handling labels and count as none."""
    extractions = {key: found if found is not None and found.handling else None for key, found in extractions.items()}
    rows = [r for r in hand_rows if r["留言编号"] in extractions]
    extracted = [r for r in rows if extractions[r["留言编号"]] is not None]
    hand_labelled = [r for r in rows if hand_types(r["unit_type"], mapping)]

    def type_ok(row: dict) -> bool:
        found = extractions[row["留言编号"]]
        return found is not None and found.unit.unit_type in hand_types(row["unit_type"], mapping)

    def place_ok(row: dict) -> bool | None:
        return jurisdiction_agrees(row["jurisdiction"], extractions[row["留言编号"]].unit.jurisdiction)

    places = [(r, place_ok(r)) for r in extracted if type_ok(r)]
    places = [(r, ok) for r, ok in places if ok is not None]
    result = {
        "n": len(rows),
        "hand_labelled": len(hand_labelled),
        "extracted": len(extracted),
        "coverage": _ratio(len(extracted), len(rows)),
        "coverage_of_hand_labelled": _ratio(sum(1 for r in hand_labelled if extractions[r["留言编号"]]),
                                            len(hand_labelled)),
        "type_precision": _ratio(sum(1 for r in extracted if type_ok(r)), len(extracted)),
        "jurisdiction_precision": _ratio(sum(1 for _, ok in places if ok), len(places)),
        "jurisdiction_checked": len(places),
        "strong_rules": {
            "extracted": sum(1 for r in extracted if extractions[r["留言编号"]].strong),
            "type_precision": _ratio(sum(1 for r in extracted if extractions[r["留言编号"]].strong and type_ok(r)),
                                     sum(1 for r in extracted if extractions[r["留言编号"]].strong)),
        },
        "by_confidence": {},
        "disagreements": [
            {"id": r["留言编号"], "hand": [r["jurisdiction"], r["unit_type"], r["unit_name"]],
             "extracted": extractions[r["留言编号"]].unit.key, "rule": extractions[r["留言编号"]].rule}
            for r in extracted if not type_ok(r)
        ],
    }
    for level in sorted({r.get("confidence", "") for r in rows}):
        part = [r for r in extracted if r.get("confidence", "") == level]
        result["by_confidence"][level or "-"] = {
            "extracted": len(part), "type_precision": _ratio(sum(1 for r in part if type_ok(r)), len(part))}
    return result


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None
