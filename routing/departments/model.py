"""The learned dispatch model (智能派单): message text → the unit that will handle it.

Three parts, each learned from replied messages:

- **unit type** — the project's complaint classifier (TF-IDF word and character n-grams,
  LinearSVC, one temperature fitted on out-of-fold scores) trained on unit types instead of
  categories, so its probabilities are calibrated and it names the terms that drove it; then
  each unit type the message itself names ("希望房产局…", "学校…") gains ``named_unit_boost``
  in log-odds. The citizen often names the office, and the unit vocabulary knows every office
  while a few hundred labelled messages show only some (on the validation slice: type top-1
  0.64 → 0.67, and 0.57 → 0.62 over three time blocks).
  (``mask_places`` replaces place codes by their level first, A7县 → 某区县, so that the model
  cannot tie a type to one county; on the validation slice it did slightly worse, so it is off.)
- **jurisdiction** — the districts the text names (codes, and places of the learned
  gazetteer), and how often each unit type is handled at district, city or province level
  when the text does or does not name a district.
- **street or town** — for 街道/乡镇, the street or town the message names, directly or
  through a community or estate the gazetteer ties to one.

``suggest`` multiplies the three into ranked full units with their evidence; the top score is
what auto-dispatch compares with ``auto_threshold_``, the lowest score that keeps precision at
``target_precision`` on training examples the scoring model did not see: by default the latest
quarter of them, scored by a model of the earlier ones (on the validation
slice that and shuffled folds gave the same: the ranking, not the threshold, limits auto-dispatch).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import KFold
from sklearn.utils.validation import check_is_fitted

from classifier.model import ComplaintClassifier, Evidence, LabelScore
from routing.departments.extract import clean_reply
from routing.departments.gazetteer import KIND_STEM, KIND_STREET, LearnedGazetteer, Observation
from routing.departments.units import (
    CODE_RE,
    LEVEL_CITY,
    LEVEL_DISTRICT,
    LEVEL_PROVINCE,
    OTHER_TYPE,
    STREET_TYPE,
    Jurisdictions,
    Unit,
    default_jurisdictions,
)

LEVELS = (LEVEL_DISTRICT, LEVEL_CITY, LEVEL_PROVINCE)
NAMED_DISTRICT, NAMED_CITY, NAMED_NONE = "district", "city", "none"
NAMED_STATES = (NAMED_DISTRICT, NAMED_CITY, NAMED_NONE)
_LEVEL_WORD = {LEVEL_CITY: "某市", LEVEL_DISTRICT: "某区县", LEVEL_PROVINCE: "本省"}


@dataclass
class UnitSuggestion:
    """One suggested unit with its score (a probability under the model) and why."""

    unit: Unit
    score: float
    type_probability: float
    evidence: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.unit.key


class DispatchModel(BaseEstimator):
    """Suggests handling units for messages; scikit-learn estimator API (see the module docstring).

    ``min_type_count``: unit types with fewer training examples are learned as 其他.
    ``named_unit_boost``: log-odds added to each unit type the message names (0: off).
    ``mask_places``: replace place codes by their level before the type model sees the text.
    ``level_smoothing``: pseudo-counts for the level-per-type table.
    ``threshold_folds``: without a holdout, folds of the out-of-fold run that chooses ``auto_threshold_``
    (0: none, auto-dispatch nothing).
    ``threshold_holdout``: when above 0, ``auto_threshold_`` is chosen instead on this latest share
    of the training examples (given in time order), scored by a model fitted on the earlier rest:
    the threshold then meets later messages, as it will in service, not a shuffled mix of periods.
    """

    def __init__(
        self,
        min_type_count: int = 3,
        named_unit_boost: float = 2.0,
        mask_places: bool = False,
        C: float = 0.5,
        min_df: int = 2,
        class_weight: str | None = "balanced",
        calibration_folds: int = 5,
        level_smoothing: float = 1.0,
        gazetteer_min_count: int = 2,
        target_precision: float = 0.95,
        threshold_folds: int = 5,
        threshold_holdout: float = 0.25,
        candidate_types: int = 5,
        random_state: int = 0,
    ) -> None:
        self.min_type_count = min_type_count
        self.named_unit_boost = named_unit_boost
        self.mask_places = mask_places
        self.C = C
        self.min_df = min_df
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.level_smoothing = level_smoothing
        self.gazetteer_min_count = gazetteer_min_count
        self.target_precision = target_precision
        self.threshold_folds = threshold_folds
        self.threshold_holdout = threshold_holdout
        self.candidate_types = candidate_types
        self.random_state = random_state

    # ---- fitting -------------------------------------------------------------------------

    def fit(self, X: Sequence[str], y: Sequence[Unit], replies: Sequence[str] | None = None,
            unlabelled: Sequence[str] = ()) -> DispatchModel:
        """Learn from messages ``X`` and their units ``y``.

        ``replies`` (optional, same length) and ``unlabelled`` messages teach the gazetteer
        only: every text that names a district and a place is evidence, labelled or not.
        """
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} texts but y has {len(y)} units")
        self.jurisdictions_ = default_jurisdictions()
        replies = list(replies) if replies is not None else [""] * len(X)
        self.gazetteer_ = LearnedGazetteer(min_count=self.gazetteer_min_count, jurisdictions=self.jurisdictions_)
        self.gazetteer_.fit([*(Observation(t, r, u) for t, r, u in zip(X, replies, y, strict=False)),
                             *(Observation(t) for t in unlabelled)])
        units = [self.gazetteer_.complete(u) for u in y]
        # The complete units seen in training: what an operator can pick from when overriding.
        self.units_ = dict(Counter(u.key for u in units if u.complete).most_common())
        self._fit_parts(list(X), units)
        self.auto_threshold_ = 1.0
        if self.threshold_holdout > 0:
            self.auto_threshold_ = self._choose_threshold_later(list(X), units)
        elif self.threshold_folds:
            self.auto_threshold_ = self._choose_threshold(list(X), units)
        return self

    def _fit_parts(self, X: list[str], units: list[Unit]) -> None:
        counts = Counter(u.unit_type for u in units)
        self.types_seen_ = sorted(counts)
        self.folded_types_ = sorted(t for t, n in counts.items() if n < self.min_type_count)
        targets = [self._target_type(u.unit_type) for u in units]
        if len(set(targets)) < 2:
            raise ValueError("training data needs at least two unit types")
        self.type_model_ = ComplaintClassifier(
            C=self.C, min_df=self.min_df, class_weight=self.class_weight,
            calibration_folds=self.calibration_folds, random_state=self.random_state,
        ).fit(self._type_texts(X), targets)
        self.classes_ = self.type_model_.classes_
        self.level_table_ = self._fit_levels(X, units, targets)
        self.extractor_ = self.gazetteer_.extractor

    def _target_type(self, unit_type: str) -> str:
        return OTHER_TYPE if unit_type in getattr(self, "folded_types_", ()) else unit_type

    def _fit_levels(self, X: list[str], units: list[Unit], targets: list[str]) -> dict:
        """P(level | type, which places the text names), smoothed towards the type's overall rate."""
        table: dict[tuple[str, bool], Counter] = defaultdict(Counter)
        overall: dict[str, Counter] = defaultdict(Counter)
        for text, unit, target in zip(X, units, targets, strict=False):
            level = self.jurisdictions_.level(unit.jurisdiction)
            if level is None:
                continue
            named = self._named(text)
            table[(target, named)][level] += 1
            overall[target][level] += 1
        result = {}
        for target in self.classes_:
            prior = overall.get(target, Counter())
            total = sum(prior.values())
            base = {lv: (prior[lv] + 1.0) / (total + len(LEVELS)) for lv in LEVELS}
            for named in NAMED_STATES:
                counts = table.get((target, named), Counter())
                n = sum(counts.values())
                s = self.level_smoothing * len(LEVELS)
                result[(target, named)] = {lv: (counts[lv] + s * base[lv]) / (n + s) for lv in LEVELS}
        return result

    # ---- text handling -------------------------------------------------------------------

    def _type_texts(self, X: Sequence[str]) -> list[str]:
        if not self.mask_places:
            return list(X)
        return [mask_codes(t, self.jurisdictions_) for t in X]

    def _named(self, text: str, districts: Counter | None = None) -> str:
        """Which places the text names: a district, only a city, or none (the level prior's condition)."""
        if districts is None:
            districts = self._district_votes(text)
        if districts:
            return NAMED_DISTRICT
        if any(self.jurisdictions_.level(c) == LEVEL_CITY for c in self.jurisdictions_.find(text)):
            return NAMED_CITY
        return NAMED_NONE

    def _district_votes(self, text: str) -> Counter:
        """Districts the text points at: named codes (weight 1 each) and gazetteer places (0.5 each)."""
        votes: Counter = Counter()
        places = self.jurisdictions_
        for code in places.find(text):
            if places.level(code) == LEVEL_DISTRICT:
                votes[code] += 1.0
        for hit in self.gazetteer_.locate(text):
            votes[hit.district] += 0.5
        return votes

    def _cities(self, text: str, districts: Counter) -> Counter:
        places = self.jurisdictions_
        votes: Counter = Counter(c for c in places.find(text) if places.level(c) == LEVEL_CITY)
        for district, weight in districts.items():
            city = places.city(district)
            if city and city != district:
                votes[city] += 0.5 * weight
        return votes

    def _streets(self, text: str) -> Counter:
        """Streets and towns the message names, directly, by stem, or through a community or estate."""
        votes: Counter = Counter()
        for mention in self.extractor_.mentions(text):
            if mention.unit_type == STREET_TYPE and not mention.self_suffix:
                votes[self.gazetteer_.canonical(mention.name.removeprefix(mention.prefix_code or ""))] += 1.0
        for hit in self.gazetteer_.locate(text):
            if hit.kind == KIND_STREET:
                votes[hit.name] += 0.5
            elif hit.kind == KIND_STEM:
                for name in self._streets_of_stem().get(hit.name, ()):
                    votes[name] += 0.5
            elif hit.street:
                votes[hit.street] += 0.5
        return votes

    def _streets_of_stem(self) -> dict[str, list[str]]:
        if not hasattr(self, "_stem_index"):
            index: dict[str, list[str]] = defaultdict(list)
            for name, entry in self.gazetteer_.places.items():
                if entry["kind"] == KIND_STREET:
                    index[name.removesuffix("街道").rstrip("镇乡")].append(name)
            self._stem_index = dict(index)
        return self._stem_index

    # ---- prediction ----------------------------------------------------------------------

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Unit-type probabilities (calibrated, then the named units' boost), columns in ``classes_`` order."""
        check_is_fitted(self, "type_model_")
        texts = [clean_reply(t) for t in X]
        proba = self.type_model_.predict_proba(self._type_texts(texts))
        return np.vstack([self._boosted(text, row) for text, row in zip(texts, proba, strict=True)]) if texts else proba

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """The best full unit per text, as ``Unit.key`` strings."""
        return np.array([s[0].key if s else "" for s in self.suggest(X, k=1)], dtype=object)

    def suggest(self, X: Sequence[str], k: int = 3, n_terms: int = 5) -> list[list[UnitSuggestion]]:
        """Top-``k`` full units per text, each with score, type probability and evidence."""
        texts = [clean_reply(t) for t in X]
        return self.suggest_from_types(texts, self.type_scores(texts, n_terms), k)

    def type_scores(self, X: Sequence[str], n_terms: int = 5) -> list[list[LabelScore]]:
        """Every unit type per text, most probable first, with the terms behind each (a unit the
        message names comes first among its type's terms)."""
        check_is_fitted(self, "type_model_")
        texts = [clean_reply(t) for t in X]
        analyses = self.type_model_.analyse(self._type_texts(texts), top_k=len(self.classes_), n_terms=n_terms)
        results = []
        for text, analysis in zip(texts, analyses, strict=True):
            named = self._named_units(text)
            proba = self._boosted(text, np.array([s.probability for s in analysis]), [s.label for s in analysis], named)
            scores = [LabelScore(s.label, float(p), [*named_evidence(named.get(s.label)), *s.evidence])
                      for s, p in zip(analysis, proba, strict=True)]
            results.append(sorted(scores, key=lambda s: -s.probability))
        return results

    def _named_units(self, text: str) -> dict[str, str]:
        """Unit types the message names, each with the first name written (学校, 房产局)."""
        named: dict[str, str] = {}
        for mention in self.extractor_.mentions(text):
            if mention.unit_type and not mention.self_suffix:
                named.setdefault(self._target_type(mention.unit_type), mention.keyword)
        return named

    def _boosted(self, text: str, proba: np.ndarray, labels: Sequence[str] | None = None,
                 named: dict[str, str] | None = None) -> np.ndarray:
        """``proba`` (over ``labels``, default ``classes_``) with each named unit type's odds raised."""
        boost = getattr(self, "named_unit_boost", 0.0)
        named = self._named_units(text) if named is None else named
        if not boost or not named:
            return proba
        labels = self.classes_ if labels is None else labels
        weights = proba * np.exp(boost * np.array([label in named for label in labels], dtype=float))
        return weights / weights.sum()

    def suggest_from_types(self, texts: Sequence[str], analyses: Sequence[Sequence], k: int = 3
                           ) -> list[list[UnitSuggestion]]:
        """Full units from given unit-type scores (this model's, or a baseline's) and the text's places."""
        check_is_fitted(self, "gazetteer_")
        return [self._suggest_one(text, analysis, k) for text, analysis in zip(texts, analyses, strict=False)]

    def _suggest_one(self, text: str, analysis, k: int) -> list[UnitSuggestion]:
        districts = self._district_votes(text)
        cities = self._cities(text, districts)
        streets = self._streets(text)
        named = self._named(text, districts)
        candidates: list[UnitSuggestion] = []
        for label_score in analysis[: self.candidate_types]:
            unit_type, p_type = label_score.label, label_score.probability
            terms = [e.term for e in label_score.evidence]
            for jurisdiction, p_place, place_evidence in self._jurisdictions_for(unit_type, districts, cities, named):
                for name, p_name in self._names_for(unit_type, jurisdiction, streets):
                    unit = Unit(jurisdiction, unit_type, name)
                    named_streets = [s for s, _ in streets.most_common(3)] if unit_type == STREET_TYPE else []
                    candidates.append(UnitSuggestion(
                        unit=unit, score=p_type * p_place * p_name, type_probability=p_type,
                        evidence={"terms": terms, "places": place_evidence, "streets": named_streets},
                    ))
        merged: dict[str, UnitSuggestion] = {}
        for cand in candidates:
            if cand.key in merged:
                merged[cand.key].score += cand.score
            else:
                merged[cand.key] = cand
        ranked = sorted(merged.values(), key=lambda s: -s.score)[:k]
        for suggestion in ranked:
            suggestion.score = round(float(suggestion.score), 4)
            suggestion.type_probability = round(float(suggestion.type_probability), 4)
        return ranked

    def _jurisdictions_for(self, unit_type: str, districts: Counter, cities: Counter, named: str):
        levels = self.level_table_.get((unit_type, named)) or {lv: 1 / len(LEVELS) for lv in LEVELS}
        if unit_type == STREET_TYPE:
            levels = {LEVEL_DISTRICT: 1.0, LEVEL_CITY: 0.0, LEVEL_PROVINCE: 0.0}
        options = []
        total = sum(districts.values())
        for district, weight in districts.most_common(3):
            options.append((district, levels[LEVEL_DISTRICT] * weight / total, {"district_votes": dict(districts)}))
        city_total = sum(cities.values())
        for city, weight in cities.most_common(2):
            options.append((city, levels[LEVEL_CITY] * weight / city_total, {"city_votes": dict(cities)}))
        options.append((self.jurisdictions_.province, levels[LEVEL_PROVINCE], {"level": LEVEL_PROVINCE}))
        missing = 1.0 - sum(p for _, p, _ in options)
        if missing > 1e-9:
            options.append((None, missing, {"note": "no place named"}))
        return [o for o in options if o[1] > 0]

    def _names_for(self, unit_type: str, jurisdiction: str | None, streets: Counter):
        if unit_type != STREET_TYPE:
            return [(None, 1.0)]
        if not streets:
            return [(None, 1.0)]
        fitting = Counter({s: w for s, w in streets.items()
                           if self.gazetteer_.district_of(s) in (None, jurisdiction)}) or streets
        total = sum(fitting.values())
        return [(name, weight / total) for name, weight in fitting.most_common(3)]

    def should_auto_dispatch(self, suggestion: UnitSuggestion) -> bool:
        """Auto-dispatch only a complete unit whose score reaches the threshold chosen in ``fit``."""
        return suggestion.unit.complete and suggestion.score >= self.auto_threshold_

    # ---- the auto-dispatch threshold -------------------------------------------------------

    def _choose_threshold(self, X: list[str], units: list[Unit]) -> float:
        """Lowest top score whose out-of-fold precision (full unit right) stays ≥ target_precision."""
        scored = [i for i, u in enumerate(units) if u.complete]
        if len(scored) < 2 * self.threshold_folds:
            return 1.0
        folds = KFold(self.threshold_folds, shuffle=True, random_state=self.random_state)
        return self._threshold_from([(list(train), list(test)) for train, test in folds.split(X)], X, units)

    def _choose_threshold_later(self, X: list[str], units: list[Unit]) -> float:
        """Lowest top score whose precision (full unit right) stays ≥ target_precision on the latest
        ``threshold_holdout`` of the examples, scored by a model fitted on the ones before them."""
        cut = int(round(len(X) * (1 - self.threshold_holdout)))
        return self._threshold_from([(list(range(cut)), list(range(cut, len(X))))], X, units)

    def _threshold_from(self, splits: list[tuple[list[int], list[int]]], X: list[str], units: list[Unit]) -> float:
        """The threshold on the complete units of each split's second part, scored by a model of its first."""
        scores, correct = [], []
        for train_idx, test_idx in splits:
            part = self._clone_for_fold()
            try:
                part._fit_parts([X[i] for i in train_idx], [units[i] for i in train_idx])
            except ValueError:
                continue
            held = [i for i in test_idx if units[i].complete]
            for i, suggestions in zip(held, part.suggest([X[i] for i in held], k=1), strict=False):
                top = suggestions[0] if suggestions else None
                scores.append(top.score if top and top.unit.complete else 0.0)
                correct.append(bool(top) and top.key == units[i].key)
        self.oof_scores_ = np.array(scores)
        self.oof_correct_ = np.array(correct, dtype=bool)
        if not scores:
            return 1.0
        return threshold_for_precision(self.oof_scores_, self.oof_correct_, self.target_precision)

    def _clone_for_fold(self) -> DispatchModel:
        part = DispatchModel(**self.get_params())
        part.jurisdictions_ = self.jurisdictions_
        part.gazetteer_ = self.gazetteer_
        return part


def named_evidence(keyword: str | None) -> list[Evidence]:
    """The office a message names, as evidence for its unit type (its weight is the boost, not a term's)."""
    return [Evidence(term=keyword, weight=0.0)] if keyword else []


def threshold_for_precision(scores: np.ndarray, correct: np.ndarray, target: float) -> float:
    """The lowest score t such that predictions scoring ≥ t are right at least ``target`` of the time.

    Scans thresholds from high to low and keeps the lowest one whose precision is still at
    target; 1.0 (auto-dispatch nothing) when even the most confident predictions miss it.
    """
    order = np.argsort(-scores, kind="stable")
    ranked = scores[order]
    precision = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    # Only cut between different scores: a threshold takes all predictions that tie at it.
    cut_points = np.nonzero(np.append(ranked[1:] < ranked[:-1], True))[0]
    ok = [i for i in cut_points if precision[i] >= target]
    if not ok:
        return 1.0
    return float(ranked[ok[-1]])


def mask_codes(text: str, jurisdictions: Jurisdictions | None = None) -> str:
    """Place codes replaced by their level (A7县 → 某区县), as the type model sees them."""
    places = jurisdictions or default_jurisdictions()
    return CODE_RE.sub(lambda m: _LEVEL_WORD[places.level(m.group(0))], text)
