"""A learned ranker over the blend's best names, and a not-in-catalogue decision, trained on the guides alone.

No evaluation question is trained on: the training questions are made from the guides themselves,

- **name** questions: the item's name with words dropped, one word swapped for a neighbour from the
  learned vocabulary (著作权 → 版权: the reverse of what a citizen does), wrapped in question phrasing;
- **typo** questions: the name with a character dropped or two swapped;
- **situation** questions: a clause of the item's conditions (受理标准), or some of its materials, with at
  most one word of its name (what an indirect question gives);
- **paraphrase** questions: the name's words, each swapped for a learned neighbour by chance, among everyday
  words no guide uses (a citizen describing their situation around the few words that matter);

and each is asked twice: against the whole catalogue (the item is there: which candidate is it?) and
against the catalogue without the item's name (every item of that name masked: a plausible service the
catalogue does not have, like 社保卡挂失 beside 社保卡申领). So the not-found decision learns what a
question looks like when its key words are covered by no candidate, not what the dev negatives look like.

Other catalogues' real services teach "not ours" too (``--absent-from``: the Guangdong export for the served
青山区 catalogue, the 广安区 list for both): questions made the same way from their items, kept only when the item
is clearly not a service of this catalogue by :class:`NameSimilarity` (the ambiguous middle is left out), are
asked of the whole catalogue as questions it does not cover (驾驶证换证 of a catalogue with 身份证换领 only).

``python -m service_guide.ranker build --catalogue FILE --vocabulary …`` (``make train``, once per catalogue) fits
three models and stores them in one artefact per catalogue, :func:`ranker_path` (the service loads the one of the
catalogue it serves: a ranker learns the names, siblings and wording of its own catalogue):

- ``ranker``: per candidate (a row of :data:`CANDIDATE_FEATURES`), the probability that it is the item meant;
- ``right``: per question (:data:`DECISION_FEATURES` of the re-ordered ranking), the probability that the
  first candidate is right, given the catalogue has the item;
- ``outside``: the probability that the catalogue does not have the item at all.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import random
import re
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import joblib
import numpy as np

from service_guide.analysis import Analyzer
from service_guide.catalogue import Catalogue
from service_guide.matcher import CANDIDATE_FEATURES, ItemMatcher, Ranking
from service_guide.settings import RANKER_DIR, ranker_path
from service_guide.vocabulary import Vocabulary

#: What the question-level models see of a (re-ordered) ranking, in order.
DECISION_FEATURES = ("top", "lead", "blended", "cover_words", "cover_title", "cover_chars", "cover_related",
                     "uncovered", "known", "query_words", "foreign_place")
#: Question phrasing wrapped around a training question (removed again by the analyser; it shapes runs only).
FRAMES = ("{}", "{}怎么办理", "{}需要什么材料", "请问{}在哪里办", "我想办{}", "{}要多久", "办{}要带什么", "{}怎么弄")
#: The kinds of training question (see the module's docstring).
KINDS = ("name", "typo", "situation")
_CLAUSE = re.compile(r"[，。；;,:：、\n（）()《》]+")
_COLUMN = {name: i for i, name in enumerate(CANDIDATE_FEATURES)}


def catalogue_key(catalogue: Catalogue) -> str:
    """What tells a ranker's catalogue from another: a digest of its distinct names (the candidates it orders)."""
    names = sorted({entry.name for entry in (*catalogue.items.values(), *catalogue.bundles.values())})
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:16]


def decision_features(ranking: Ranking) -> np.ndarray:
    """The ranking's signals, in the order of DECISION_FEATURES (zeros when nothing is a candidate)."""
    matches = ranking.matches
    if not matches or ranking.features is None or not len(ranking.features):
        return np.array([0.0] * (len(DECISION_FEATURES) - 3) + [ranking.known, np.log1p(len(ranking.words)),
                                                                 float(ranking.foreign_place)])
    first = ranking.features[0]
    second = matches[1].score if len(matches) > 1 else 0.0
    return np.array([matches[0].score, matches[0].score - second, first[_COLUMN["blended"]],
                     first[_COLUMN["cover_words"]], first[_COLUMN["cover_title"]], first[_COLUMN["cover_chars"]],
                     first[_COLUMN["cover_related"]], first[_COLUMN["uncovered"]], ranking.known,
                     np.log1p(len(ranking.words)), float(ranking.foreign_place)])


@dataclass
class LearnedRanker:
    """The three fitted models (scikit-learn estimators) and the pool the ranker re-orders."""

    ranker: object
    right: object
    outside: object
    pool: int = 15
    outside_features: tuple[str, ...] = DECISION_FEATURES  # the columns the not-found model reads
    catalogue: str = ""  # catalogue_key of the catalogue it was trained on ("" when unknown)
    thresholds: dict[str, float] = field(default_factory=dict)  # this catalogue's own decision thresholds, if any

    def __post_init__(self) -> None:
        self._columns = [DECISION_FEATURES.index(f) for f in self.outside_features]
        self._linear = {key: _as_linear(getattr(self, key)) for key in ("ranker", "right", "outside")}

    def _p(self, key: str, x: np.ndarray) -> np.ndarray:
        """Probabilities of the positive class; a scaled logistic model as one dot product (no per-call overhead)."""
        linear = self._linear[key]
        if linear is None:
            return getattr(self, key).predict_proba(x)[:, 1]
        weights, bias = linear
        return 1 / (1 + np.exp(-(x @ weights + bias)))

    def score(self, features: np.ndarray) -> np.ndarray:
        return self._p("ranker", features)

    def right_p(self, x: np.ndarray) -> float:
        return float(self._p("right", x.reshape(1, -1))[0])

    def outside_p(self, x: np.ndarray) -> float:
        return float(self._p("outside", x[self._columns].reshape(1, -1))[0])

    def save(self, path: Path | str) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        joblib.dump({"ranker": self.ranker, "right": self.right, "outside": self.outside, "pool": self.pool,
                     "outside_features": self.outside_features, "candidate_features": CANDIDATE_FEATURES,
                     "decision_features": DECISION_FEATURES, "catalogue": self.catalogue,
                     "thresholds": self.thresholds}, tmp)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path | str) -> LearnedRanker:
        data = joblib.load(Path(path))
        if tuple(data["candidate_features"]) != CANDIDATE_FEATURES or \
                tuple(data["decision_features"]) != DECISION_FEATURES:
            raise ValueError(f"{path} was trained on other features: retrain it (make train)")
        return cls(data["ranker"], data["right"], data["outside"], int(data["pool"]), tuple(data["outside_features"]),
                   str(data.get("catalogue") or ""), dict(data.get("thresholds") or {}))

    def trained_on(self, catalogue: Catalogue) -> bool:
        """Whether this ranker was trained on ``catalogue`` (an artefact that does not say is taken at its word)."""
        return not self.catalogue or self.catalogue == catalogue_key(catalogue)


def _as_linear(model) -> tuple[np.ndarray, float] | None:
    """(weights, bias) over raw features of a StandardScaler + LogisticRegression pipeline; None for other models."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if not isinstance(model, Pipeline) or len(model.steps) != 2:
        return None
    scaler, logistic = model.steps[0][1], model.steps[1][1]
    if not isinstance(scaler, StandardScaler) or not isinstance(logistic, LogisticRegression):
        return None
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    weights = logistic.coef_[0] / scale
    return weights, float(logistic.intercept_[0] - np.dot(weights, scaler.mean_))


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> LearnedRanker:
    return LearnedRanker.load(path)


def load_ranker(path: Path | str) -> LearnedRanker:
    """The artefact, read once per file version."""
    path = Path(path)
    return _cached(str(path.resolve()), path.stat().st_mtime)


# ------------------------------------------------------------------------------ training questions
@dataclass(frozen=True)
class TrainingQuestion:
    query: str
    name: str  # the item it was made from
    kind: str  # name / typo / situation


class QuestionMaker:
    """Makes training questions from one item's own fields (seeded: the same catalogue gives the same questions)."""

    def __init__(self, analyzer: Analyzer, vocabulary: Vocabulary | None, seed: int = 0,
                 swap_similarity: float = 0.6) -> None:
        self.analyzer = analyzer
        self.random = random.Random(seed)
        self.swap_similarity = swap_similarity
        self.vocabulary = None
        self.everyday: list[str] = []  # words no guide uses (set by questions())
        if vocabulary is not None:
            every_word = {w for space in vocabulary.spaces.values() for w in space.words}
            self.vocabulary = Vocabulary(vocabulary.spaces, top_n=3, min_similarity=swap_similarity
                                         ).restricted_to(every_word)

    def everyday_words(self, catalogue_words: set[str]) -> list[str]:
        """The vocabulary's words (two characters or more) that no guide uses and that are not question phrasing."""
        if self.vocabulary is None:
            return []
        return sorted({w for space in self.vocabulary.spaces.values() for w in space.words
                       if len(w) > 1 and w not in catalogue_words and w not in self.analyzer.stopwords})

    def _frame(self, text: str) -> str:
        return self.random.choice(FRAMES).format(text)

    def _name_words(self, name: str) -> list[str]:
        return self.analyzer.words(name)

    def name(self, name: str) -> str | None:
        words = self._name_words(name)
        if not words:
            return None
        kept = [w for w in words if self.random.random() > 0.3] or [self.random.choice(words)]
        if self.vocabulary is not None and self.random.random() < 0.5:
            j = self.random.randrange(len(kept))
            related = [w for w, _ in self.vocabulary.related(kept[j]) if len(w) > 1]
            if related:
                kept[j] = self.random.choice(related)
        return self._frame("".join(kept))

    def paraphrase(self, name: str) -> str | None:
        """The name's words, each kept with probability 0.75 and swapped for a neighbour with probability 0.5,
        with one to three everyday words around them. None without a vocabulary."""
        words = self._name_words(name)
        if not words or self.vocabulary is None or not self.everyday:
            return None
        kept = [w for w in words if self.random.random() > 0.25] or [self.random.choice(words)]
        for j, word in enumerate(kept):
            related = [w for w, _ in self.vocabulary.related(word) if len(w) > 1]
            if related and self.random.random() < 0.5:
                kept[j] = self.random.choice(related)
        for noise in self.random.sample(self.everyday, self.random.choice((1, 2, 3))):
            kept.insert(self.random.randrange(len(kept) + 1), noise)
        return self._frame("".join(kept))

    def typo(self, name: str) -> str | None:
        chars = list(name)
        if len(chars) < 4:
            return None
        j = self.random.randrange(len(chars) - 1)
        if self.random.random() < 0.5:
            del chars[j]
        else:
            chars[j], chars[j + 1] = chars[j + 1], chars[j]
        return "".join(chars)

    def situation(self, name: str, conditions: list[str], materials: list[str]) -> str | None:
        clauses = [c for text in conditions for c in _CLAUSE.split(text) if 6 <= len(c) <= 30]
        if clauses and (not materials or self.random.random() < 0.6):
            text = self.random.choice(clauses)
        elif materials:
            picked = self.random.sample(materials, min(len(materials), self.random.choice((1, 2))))
            text = "我有" + "和".join(m for m in picked if len(m) <= 20)
        else:
            return None
        words = self._name_words(name)
        if words and self.random.random() < 0.5:
            text += "，想" + self.random.choice(words)
        return text

    def off_domain(self, catalogue_words: set[str], count: int) -> list[TrainingQuestion]:
        """Questions in everyday words no guide uses (from the vocabulary's own word list): about nothing the
        catalogue covers, whatever their topic. Empty without a vocabulary."""
        words = self.everyday_words(catalogue_words)
        if not words:
            return []
        return [TrainingQuestion(self._frame("".join(self.random.sample(words, self.random.choice((1, 2, 3))))),
                                 "", "off_domain") for _ in range(count)]

    def make(self, kind: str, name: str, conditions: list[str], materials: list[str]) -> str | None:
        """One training question of ``kind`` about the item ``name`` (None when its fields cannot make one)."""
        if kind == "situation":
            return self.situation(name, conditions, materials)
        return {"name": self.name, "typo": self.typo, "paraphrase": self.paraphrase}[kind](name)

    def questions(self, catalogue: Catalogue, per_kind: int = 1, kinds: tuple[str, ...] = KINDS,
                  catalogue_words: set[str] = frozenset()) -> list[TrainingQuestion]:
        self.everyday = self.everyday_words(set(catalogue_words)) if "paraphrase" in kinds else []
        out: list[TrainingQuestion] = []
        seen: set[str] = set()
        for item in catalogue.items.values():
            if item.name in seen:
                continue
            seen.add(item.name)
            materials = [m.name for m in item.materials if m.name not in ("无", "")]
            for _ in range(per_kind):
                for kind in kinds:
                    question = self.make(kind, item.name, list(item.conditions), materials)
                    if question:
                        out.append(TrainingQuestion(question, item.name, kind))
        return out


# ------------------------------------------------------------------------ other catalogues' services
@dataclass(frozen=True)
class ReferenceService:
    """A real service of another catalogue: its name and what questions about it can be made from."""

    name: str
    conditions: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()


def reference_services(path: Path | str) -> list[ReferenceService]:
    """The distinct services of another catalogue: a YAML catalogue or a .jsonl export (name, conditions,
    materials), or a CSV list with an ``item_name`` column (name only, like the 广安区 list)."""
    path = Path(path)
    if path.suffix == ".csv":
        with path.open(encoding="utf-8") as handle:
            names = [(row.get("item_name") or "").strip() for row in csv.DictReader(handle)]
        return [ReferenceService(n) for n in dict.fromkeys(n for n in names if n)]
    from service_guide.loader import load_catalogue

    out: dict[str, ReferenceService] = {}
    for item in load_catalogue(path).items.values():
        out.setdefault(item.name, ReferenceService(item.name, tuple(item.conditions),
                                                   tuple(m.name for m in item.materials if m.name not in ("无", ""))))
    return list(out.values())


class NameSimilarity:
    """How alike two service names are: IDF-weighted Dice overlap of their words and character bigrams, the IDF
    counted over every name given (so 住房公积金, in many names, weighs less than 贷款 or 提取 that tell them apart).

    1.0 for the same name; 居民身份证补领 against 居民身份证换领、补领 about 0.75, 机动车驾驶证换证 against it about
    0.1. Names that share their subject but not their action (住房公积金贷款 / 住房公积金提取) fall in the middle."""

    def __init__(self, analyzer: Analyzer, names: list[str]) -> None:
        self.analyzer = analyzer
        docs = [set(self._tokens(n)) for n in dict.fromkeys(names)]
        df: dict[str, int] = {}
        for doc in docs:
            for t in doc:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log((len(docs) + 1) / (c + 1)) + 1 for t, c in df.items()}
        self.unseen = math.log(len(docs) + 1) + 1

    def _tokens(self, name: str) -> list[str]:
        return self.analyzer.tokens(re.sub(r"[（(][^）)]*[）)]", "", name) or name)

    def __call__(self, a: str, b: str) -> float:
        ta, tb = set(self._tokens(a)), set(self._tokens(b))
        weight = lambda tokens: sum(self.idf.get(t, self.unseen) for t in tokens)  # noqa: E731
        total = weight(ta) + weight(tb)
        return 2 * weight(ta & tb) / total if total > 0 else 0.0


def absent_questions(maker: QuestionMaker, services: list[ReferenceService], own_names: list[str],
                     count: int, different_below: float = 0.3, same_at: float = 0.6,
                     kinds: tuple[str, ...] = KINDS) -> tuple[list[TrainingQuestion], dict[str, int]]:
    """Up to ``count`` questions, one each, about other catalogues' services that this catalogue does not have.

    A service is taken as not ours when its name's :class:`NameSimilarity` to every name (and alias) of ours is
    under ``different_below``; at ``same_at`` or more it is the same service under another office's name (left out,
    as it is ours); in between it may be either (left out too). Also returns how many services fell in each case."""
    similarity = NameSimilarity(maker.analyzer, [*own_names, *(s.name for s in services)])
    own = list(dict.fromkeys(own_names))
    counts = {"different": 0, "same": 0, "ambiguous": 0}
    different = []
    for service in services:
        best = max((similarity(service.name, name) for name in own), default=0.0)
        verdict = "different" if best < different_below else "same" if best >= same_at else "ambiguous"
        counts[verdict] += 1
        if verdict == "different":
            different.append(service)
    maker.random.shuffle(different)
    out: list[TrainingQuestion] = []
    for service in different:
        if len(out) >= count:
            break
        kind = maker.random.choice(kinds)
        question = maker.make(kind, service.name, list(service.conditions), list(service.materials))
        if question:
            out.append(TrainingQuestion(question, "", "absent_" + kind))
    return out, counts


# ------------------------------------------------------------------------------------- fitting
def candidate_rows(matcher: ItemMatcher, questions: list[TrainingQuestion], pool: int
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate features, labels (the candidate is the item the question was made from) and question ids."""
    x, y, group = [], [], []
    for qid, question in enumerate(questions):
        _, groups, features = matcher.candidates(question.query, pool)
        names = [matcher._names[g[0]] for g in groups]
        if question.name not in names:
            continue  # the item is not among the candidates: nothing to learn about ordering them
        x.append(features)
        y.extend(int(n == question.name) for n in names)
        group.extend([qid] * len(names))
    if not x:
        return np.zeros((0, len(CANDIDATE_FEATURES))), np.zeros(0, int), np.zeros(0, int)
    return np.vstack(x), np.array(y), np.array(group)


def decision_rows(matcher: ItemMatcher, questions: list[TrainingQuestion]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per question, asked of the whole catalogue and of the catalogue without its item: the decision features,
    whether the first candidate is right (whole catalogue only) and whether the item is absent."""
    x, right, outside = [], [], []
    for question in questions:
        ranking = matcher.rank(question.query, 3)
        if not question.name:  # about nothing in the catalogue
            x.append(decision_features(ranking))
            right.append(0)
            outside.append(1)
            continue
        x.append(decision_features(ranking))
        right.append(int(bool(ranking.matches) and ranking.matches[0].name == question.name))
        outside.append(0)
        ranking = matcher.rank(question.query, 3, exclude=frozenset({question.name}))
        x.append(decision_features(ranking))
        right.append(0)
        outside.append(1)
    return np.array(x), np.array(right), np.array(outside)


def make_model(kind: str, seed: int = 0, balanced: bool = False):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if kind == "hgb":  # OpenMP threads: on a busy machine set OMP_NUM_THREADS=1, or its latency suffers
        return HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, max_leaf_nodes=15,
                                              min_samples_leaf=40, l2_regularization=1.0, random_state=seed)
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000,
                                                              class_weight="balanced" if balanced else None))


def train(matcher: ItemMatcher, catalogue: Catalogue, vocabulary: Vocabulary | None, pool: int = 15,
          model: str = "logistic", per_kind: int = 1, min_questions: int = 0, off_domain_share: float = 0.5,
          outside_features: tuple[str, ...] = DECISION_FEATURES, seed: int = 0, kinds: tuple[str, ...] = KINDS,
          outside_balanced: bool = False, absent_services: list[ReferenceService] = (),
          absent_share: float = 0.5, different_below: float = 0.3, same_at: float = 0.6
          ) -> tuple[LearnedRanker, dict[str, object]]:
    """Fit the ranker on training questions made from the catalogue, then the decision models on others.

    ``outside_balanced``: weigh the not-found model's two classes alike (each question is asked once with its item
    and once without, plus the off-domain ones, so "absent" outnumbers "present" in the rows).
    ``absent_services``: other catalogues' real services; up to ``absent_share`` × the decision questions are made
    from those that are clearly not this catalogue's (:func:`absent_questions`) and taught as "not ours". Their
    words are government language, so they are never used as the everyday words of paraphrase questions."""
    maker = QuestionMaker(matcher._analyzer, vocabulary, seed=seed)
    names = len({item.name for item in catalogue.items.values()})
    per_kind = max(per_kind, math.ceil(min_questions / (len(kinds) * max(names, 1))))  # a small catalogue: more each
    catalogue_words = {t[2:] for t in matcher._guide.vocabulary if t.startswith("w:")}
    service_words = {w for s in absent_services for text in (s.name, *s.conditions, *s.materials)
                     for w in matcher._analyzer.words(text)}
    questions = maker.questions(catalogue, per_kind, kinds, catalogue_words | service_words)
    random.Random(seed).shuffle(questions)
    half = len(questions) // 2
    ranking_part, decision_part = questions[:half], questions[half:]
    x, y, _ = candidate_rows(matcher, ranking_part, pool)
    if len(set(y.tolist())) < 2:
        raise ValueError("too few training questions found their item among the candidates")
    ranker = make_model(model, seed).fit(x, y)
    matcher.ranker = LearnedRanker(ranker, None, None, pool)
    off_domain = maker.off_domain(catalogue_words | service_words, int(len(decision_part) * off_domain_share))
    own_names = [n for e in (*catalogue.items.values(), *catalogue.bundles.values()) for n in (e.name, *e.aliases)]
    absent, verdicts = absent_questions(maker, list(absent_services), own_names,
                                        int(len(decision_part) * absent_share), different_below, same_at, kinds)
    xd, right, outside = decision_rows(matcher, decision_part + off_domain + absent)
    inside = outside == 0
    right_model = make_model("logistic").fit(xd[inside], right[inside])
    columns = [DECISION_FEATURES.index(f) for f in outside_features]
    outside_model = make_model("logistic", balanced=outside_balanced).fit(xd[:, columns], outside)
    learned = LearnedRanker(ranker, right_model, outside_model, pool, tuple(outside_features), catalogue_key(catalogue))
    matcher.ranker = learned
    stats = {"questions": len(questions), "ranker_rows": int(len(y)), "ranker_questions": int(len(set(_.tolist()))),
             "decision_questions": len(decision_part), "off_domain_questions": len(off_domain),
             "absent_questions": len(absent), "other_services": verdicts,
             "first_right_on_training_questions": round(float(right[inside].mean()), 4) if inside.any() else None,
             "kinds": {k: sum(q.kind == k for q in questions) for k in kinds}}
    return learned, stats


def ranker_settings(config: dict, catalogue: str, with_other_services: bool, section: str = "ranker",
                    own_section: str = "catalogue_ranker") -> dict:
    """A section of the search's config (the ranker's settings) under the catalogue's own (``own_section``, by file
    name); those under its ``with_other_services`` key only when other catalogues' services are taught as absent
    (columns and thresholds that suit a not-found model that has seen some)."""
    own = dict((config.get(own_section) or {}).get(catalogue) or {})
    extra = own.pop("with_other_services", None) or {}
    return {**(config.get(section) or {}), **own, **(extra if with_other_services else {})}


def main(argv: list[str] | None = None) -> int:
    from core.errors import UserFacingError
    from service_guide.loader import load_catalogue
    from service_guide.search import CONFIG_FILE, build_search, load_config

    parser = argparse.ArgumentParser(description="Train the catalogue search's ranker and not-found decision "
                                                 "on questions made from the guides.")
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--catalogue", type=Path, required=True)
    parser.add_argument("--vocabulary", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None,
                        help=f"the artefact (default: {RANKER_DIR}/<catalogue file name>.joblib)")
    parser.add_argument("--config", type=Path, default=CONFIG_FILE, help="the search's settings (its ranker section)")
    parser.add_argument("--absent-from", type=Path, action="append", default=[],
                        help="another catalogue (.yml, .jsonl, or a .csv with item_name): its services this catalogue "
                             "does not have are taught as not ours; repeat for several")
    args = parser.parse_args(argv)
    out = args.out or ranker_path(args.catalogue)
    start = time.perf_counter()
    config = load_config(args.config)
    settings = ranker_settings(config, args.catalogue.stem, with_other_services=bool(args.absent_from))
    try:
        catalogue = load_catalogue(args.catalogue)
        absent_services = [s for path in args.absent_from for s in reference_services(path)]
    except (UserFacingError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 2
    search = build_search(catalogue, vocabulary=args.vocabulary, use_vocabulary=args.vocabulary is not None,
                          config=args.config, ranker=None)
    vocabulary = search.matcher.vocabulary
    learned, stats = train(search.matcher, catalogue, vocabulary, pool=int(settings.get("pool", 15)),
                           model=str(settings.get("model", "logistic")), per_kind=int(settings.get("per_kind", 1)),
                           min_questions=int(settings.get("min_questions", 0)),
                           off_domain_share=float(settings.get("off_domain_share", 0.5)),
                           outside_features=tuple(settings.get("outside_features") or DECISION_FEATURES),
                           kinds=tuple(settings.get("kinds") or KINDS),
                           outside_balanced=bool(settings.get("outside_balanced", False)),
                           absent_services=absent_services, absent_share=float(settings.get("absent_share", 0.5)),
                           different_below=float(settings.get("absent_different_below", 0.3)),
                           same_at=float(settings.get("absent_same_at", 0.6)))
    learned.thresholds = {k: float(v) for k, v in
                          ranker_settings(config, args.catalogue.stem, bool(args.absent_from), section="",
                                          own_section="catalogue_thresholds").items()}
    learned.save(out)
    seconds = round(time.perf_counter() - start, 1)
    print(json.dumps({"out": str(out), "catalogue": args.catalogue.name, "build_s": seconds, **stats},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
