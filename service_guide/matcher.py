"""Find the service item a citizen means, over the whole guide, from words nobody tuned for.

Two scores are blended for each item:

- **name fit**: how well the question and the item's name (or one alias) cover each other: the
  IDF-weighted share of the question found in the name (recall) and of the name found in the
  question (precision), in a weighted harmonic mean. It is what makes a close wording win, and
  why a short generic name (咨询投诉) does not beat the long one that covers the question.
- **guide fit**: BM25F over every field a citizen's words can meet (name, aliases, the parent
  catalogue's name, materials, conditions, service objects, themes, department), each with its
  weight, divided by the most the question could score. It is what finds the item behind a
  question that describes a situation (我拍的照片被人盗用了) rather than naming it.

Tokens are jieba words and character bigrams (see :mod:`service_guide.analysis`). The question's
words are expanded with related catalogue words from a vocabulary learned from real texts
(:mod:`service_guide.vocabulary`), each at the strength of its relation, so 版权 meets 著作权.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from service_guide.analysis import Analyzer, entry_fields, run_tokens
from service_guide.catalogue import Catalogue
from service_guide.vocabulary import Vocabulary

#: The fields that say what an item is (the semantic fit compares the question with these).
TITLE_FIELDS = ("name", "aliases", "catalogue")
#: Field weights of the guide fit; the name weighs most, a department name least.
FIELD_WEIGHTS = {"name": 3.0, "aliases": 2.0, "catalogue": 1.0, "materials": 0.6, "conditions": 0.4,
                 "objects": 0.3, "themes": 0.5, "department": 0.3}
_INFO_SUFFIXES = ("查询", "查阅", "指引", "指南", "公示", "公布", "公告", "下载", "列表", "名录", "宣传")


@dataclass(frozen=True)
class Match:
    code: str
    name: str
    score: float
    matched: str  # the name or alias that fitted best
    same_name: tuple[str, ...] = ()  # other items with this very name (another office or sub-case)
    fields: tuple[str, ...] = ()  # the guide fields the question met
    name_fit: float = 0.0
    guide_fit: float = 0.0
    blend: float = 0.0  # the blend's score (``score`` is the ranker's probability when a ranker re-orders)


@dataclass(frozen=True)
class Ranking:
    """The best candidates and what the question itself says about how well the catalogue can answer it."""

    matches: tuple[Match, ...]
    words: tuple[str, ...]  # the question's content words
    known: float  # IDF-weighted share of the question's words and bigrams that some guide uses
    foreign_place: bool  # names a place no guide mentions (另一城市)
    features: np.ndarray | None = field(default=None, compare=False, repr=False)  # CANDIDATE_FEATURES per match


#: What :meth:`ItemMatcher.candidate_features` gives a learned ranker about each candidate, in order.
CANDIDATE_FEATURES = ("blended", "name_fit", "guide_fit", "semantic", "relative", "position", "cover_words",
                      "cover_title", "cover_chars", "cover_related", "uncovered", "name_length", "info",
                      "same_name", "query_words", "known")


class CandidateRanker(Protocol):
    """A learned re-ordering of the blend's best names (:mod:`service_guide.ranker`)."""

    pool: int  # how many of the blend's best names it re-orders

    def score(self, features: np.ndarray) -> np.ndarray:
        """Per candidate (a row of CANDIDATE_FEATURES), the probability that it is the item meant."""


@dataclass(frozen=True)
class _Scores:
    blended: np.ndarray
    name: np.ndarray
    guide: np.ndarray
    best_label: np.ndarray
    cols: np.ndarray
    words: list[str]
    known: float
    semantic: np.ndarray | None = None
    chars: tuple[str, ...] = ()  # the question's own character bigrams (the guide fit's)


class _LabelFit:
    """IDF-weighted overlap between the question and every label (a name or an alias), over one kind of token.

    IDF is counted over labels, not whole guides: 身份证 is common among materials but tells names apart.
    """

    def fit(self, docs: list[list[str]]) -> _LabelFit:
        self.vocabulary: dict[str, int] = {}
        rows, cols = [], []
        for i, doc in enumerate(docs):
            for t in set(doc):
                rows.append(i)
                cols.append(self.vocabulary.setdefault(t, len(self.vocabulary)))
        self.presence = sp.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(docs), len(self.vocabulary)))
        df = np.asarray(self.presence.sum(axis=0)).ravel()
        self.idf = np.log((len(docs) + 1) / (df + 1)) + 1
        self.unseen_idf = np.log(len(docs) + 1) + 1
        self.weight = np.asarray(self.presence @ self.idf).ravel()
        return self

    def scores(self, weights: dict[str, float], own: set[str], recall_weight: float) -> np.ndarray:
        known = [(self.vocabulary[t], w) for t, w in weights.items() if t in self.vocabulary]
        if not known:
            return np.zeros(self.presence.shape[0])
        cols = np.array([c for c, _ in known])
        q = np.array([w for _, w in known])
        total = sum(w * (self.idf[self.vocabulary[t]] if t in self.vocabulary else self.unseen_idf)
                    for t, w in weights.items() if t in own)
        sub = self.presence[:, cols]
        shared = np.asarray(sub @ (self.idf[cols] * q)).ravel()
        hit = np.asarray(sub @ self.idf[cols]).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            recall = np.minimum(shared / total, 1.0)
            precision = hit / self.weight
            harmonic = 1 / (recall_weight / recall + (1 - recall_weight) / precision)
        return np.where(shared > 0, harmonic, 0.0)


@dataclass
class _Guide:
    """BM25F term scores of every item over all its fields (query-independent), and which field holds a term."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    scores: sp.csc_matrix  # items × terms
    fields: dict[str, sp.csr_matrix] = field(default_factory=dict)  # items × terms presence per field
    top_idf: float = 1.0


class ItemMatcher:
    """Item search configured like a scikit-learn estimator: ``fit`` on a catalogue, then ``search``.

    ``name_weight``: share of the name fit in the blend (the rest is the guide fit).
    ``recall_weight``: in the name fit, how much covering the question counts against covering the name.
    ``expansion_weight``: strength of a learned related word relative to the question's own word.
    ``char_weight``: in the guide fit, weight of a character bigram relative to a word.
    ``char_share``: in the name fit, share of the character overlap (the rest is jieba words).
    ``k1``, ``b``: BM25 saturation and length normalisation.
    ``min_score``: below it an item is not a candidate at all.
    ``semantic_weight``: share of the semantic fit (learned word vectors of the question against the item's
    title fields) in the final score.
    ``info_penalty``: a citizen asking how to get something done rarely means an information
    service (…查询, …指引, …公示); their score is multiplied by this unless the question asks to look
    something up (查).
    ``ranker``: a learned re-ordering of the blend's best names (see :mod:`service_guide.ranker`), or None.
    """

    def __init__(self, vocabulary: Vocabulary | None = None, name_weight: float = 0.8, recall_weight: float = 0.6,
                 expansion_weight: float = 0.4, char_weight: float = 0.5, char_share: float = 0.8,
                 semantic_weight: float = 0.25, k1: float = 1.2, b: float = 0.5, min_score: float = 0.05,
                 info_penalty: float = 0.85, field_weights: dict[str, float] | None = None,
                 analyzer: Analyzer | None = None, ranker: CandidateRanker | None = None) -> None:
        self.vocabulary = vocabulary
        self.name_weight = name_weight
        self.recall_weight = recall_weight
        self.expansion_weight = expansion_weight
        self.char_weight = char_weight
        self.char_share = char_share
        self.k1 = k1
        self.b = b
        self.min_score = min_score
        self.info_penalty = info_penalty
        self.field_weights = field_weights or FIELD_WEIGHTS
        self.semantic_weight = semantic_weight
        self.analyzer = analyzer
        self.ranker = ranker

    # ----------------------------------------------------------------------------------- fitting
    def fit(self, catalogue: Catalogue) -> ItemMatcher:
        self._analyzer = self.analyzer or Analyzer()
        entries = [*catalogue.items.values(), *catalogue.bundles.values()]
        self._codes = [e.code for e in entries]
        self._names = [e.name for e in entries]
        self._info_item = np.array([e.name.endswith(_INFO_SUFFIXES) for e in entries])
        self._guide = self._fit_guide([entry_fields(e) for e in entries])
        labels, owners = [], []
        for i, entry in enumerate(entries):
            for label in dict.fromkeys((entry.name, *entry.aliases)):
                labels.append(label)
                owners.append(i)
        tokens = [self._analyzer.tokens(label, unigrams=True) for label in labels]
        self._label_text = labels
        self._label_owner = np.array(owners)
        self._chars = _LabelFit().fit([[t for t in doc if t.startswith("c:")] for doc in tokens])
        self._words = _LabelFit().fit([[t for t in doc if t.startswith("w:")] for doc in tokens])
        self._all_terms = _row_sets(self._guide.fields.values())
        self._title_terms = _row_sets(m for f, m in self._guide.fields.items() if f in TITLE_FIELDS)
        guide_words = [t[2:] for t in self._guide.vocabulary if t.startswith("w:")]
        places = [w for entry in entries for text in _place_texts(entry) for w in self._analyzer.segmenter.cut(text)]
        self._places = frozenset(w for w in [*guide_words, *places] if w in _place_words())
        self._vocabulary = self.vocabulary.restricted_to(guide_words) if self.vocabulary is not None else None
        self._item_vectors = None
        if self._vocabulary is not None:
            titles = [[w for f in TITLE_FIELDS for text in entry_fields(e).get(f, [])
                       for w in self._analyzer.words(text)] for e in entries]
            self._item_vectors = np.array([self._embed(words) for words in titles], dtype=np.float32)
        return self

    @property
    def segmenter(self):
        return self._analyzer.segmenter

    def _fit_guide(self, texts: list[dict[str, list[str]]]) -> _Guide:
        tokens = {f: [[t for text in doc.get(f, []) for t in self._analyzer.tokens(text)] for doc in texts]
                  for f in self.field_weights}
        vocabulary: dict[str, int] = {}
        for docs in tokens.values():
            for doc in docs:
                for t in doc:
                    vocabulary.setdefault(t, len(vocabulary))
        counts = {f: self._count(docs, vocabulary) for f, docs in tokens.items()}
        presence = sum(counts.values()).tocsc()
        presence.data[:] = 1
        n_items = len(texts)
        df = np.asarray(presence.sum(axis=0)).ravel()
        idf = np.log(1 + (n_items - df + 0.5) / (df + 0.5))
        def bm25f(names) -> sp.csc_matrix:
            combined = sp.csr_matrix((n_items, len(vocabulary)))
            for f in names:
                lengths = np.asarray(counts[f].sum(axis=1)).ravel()
                norm = 1 - self.b + self.b * lengths / (lengths.mean() or 1.0)
                combined = combined + self.field_weights[f] * sp.diags(1 / np.maximum(norm, 1e-9)) @ counts[f]
            combined = combined.tocsr()
            combined.data = combined.data / (self.k1 + combined.data)
            return (combined @ sp.diags(idf)).tocsc()

        fields = {f: (m > 0).astype(np.int8).tocsr() for f, m in counts.items()}
        for m in fields.values():
            m.sort_indices()
        return _Guide(vocabulary, idf, bm25f(list(counts)), fields, float(idf.max()) if len(idf) else 1.0)

    @staticmethod
    def _count(docs: list[list[str]], vocabulary: dict[str, int]) -> sp.csr_matrix:
        rows, cols = [], []
        for i, doc in enumerate(docs):
            for t in doc:
                if t in vocabulary:
                    rows.append(i)
                    cols.append(vocabulary[t])
        data = np.ones(len(rows))
        return sp.csr_matrix((data, (rows, cols)), shape=(len(docs), len(vocabulary)))

    # ---------------------------------------------------------------------------------- querying
    def query_terms(self, query: str) -> tuple[dict[str, float], set[str], set[str]]:
        """Weighted query terms (own words and characters, learned related words), the question's own terms,
        and those the guide fit uses (character unigrams serve the name fit only)."""
        runs = self._analyzer.runs(query)
        tokens = run_tokens(runs, unigrams=True)
        weights: dict[str, float] = {}
        for t in tokens:
            weights[t] = max(weights.get(t, 0.0), 1.0 if t.startswith("w:") else self.char_weight)
        if self._vocabulary is not None:
            words = [t[2:] for t in tokens if t.startswith("w:")]
            for word, strength in self._vocabulary.expand(words).items():
                term = "w:" + word
                weights[term] = max(weights.get(term, 0.0), self.expansion_weight * strength)
        return weights, set(tokens), set(run_tokens(runs))

    def _guide_fit(self, weights: dict[str, float], own: set[str]) -> tuple[np.ndarray, np.ndarray]:
        """BM25F over the whole guide, divided by the most the question could score."""
        guide = self._guide
        terms = {t: w for t, w in weights.items() if t in own or t.startswith("w:")}
        known = [(guide.vocabulary[t], w) for t, w in terms.items() if t in guide.vocabulary]
        mass = sum(w * (guide.idf[guide.vocabulary[t]] if t in guide.vocabulary else guide.top_idf)
                   for t, w in terms.items() if t in own)
        n_items = len(self._codes)
        if not known or mass <= 0:
            return np.zeros(n_items), np.array([], dtype=int)
        cols = np.array([c for c, _ in known])
        q = np.array([w for _, w in known])
        return np.asarray(guide.scores[:, cols] @ q).ravel() / mass, cols

    def scores(self, query: str) -> _Scores:
        """Every item's score for ``query``: name fit, guide fit and semantic fit blended.

        The name fit is that of the item's best label (name or alias) over characters and words; the
        semantic fit is the cosine of the question's and the title fields' mean word vectors. An information
        service (…查询) is discounted unless the question asks to look something up (查).
        """
        weights, own, guide_own = self.query_terms(query)
        chars = {t: w for t, w in weights.items() if t.startswith("c:")}
        words = {t: w for t, w in weights.items() if t.startswith("w:")}
        label = (self.char_share * self._chars.scores(chars, own, self.recall_weight)
                 + (1 - self.char_share) * self._words.scores(words, own, self.recall_weight))
        n_items = len(self._codes)
        name = np.zeros(n_items)
        best_label = np.full(n_items, -1)
        order = np.argsort(label)  # ascending: an item's best label is written last
        name[self._label_owner[order]] = label[order]
        best_label[self._label_owner[order]] = order
        guide, cols = self._guide_fit(weights, guide_own)
        own_words = [t[2:] for t in own if t.startswith("w:")]
        blended = self.name_weight * name + (1 - self.name_weight) * guide
        semantic = None
        if self._item_vectors is not None:  # no word vectors, no semantic fit
            semantic = self._semantic(own_words)
            blended = (1 - self.semantic_weight) * blended + self.semantic_weight * semantic
        if "查" not in query:
            blended = np.where(self._info_item, blended * self.info_penalty, blended)
        known = (self._known_share(["w:" + w for w in own_words])
                 + self._known_share([t for t in guide_own if t.startswith("c:")])) / 2
        return _Scores(blended, name, guide, best_label, cols, own_words, known, semantic,
                       tuple(t for t in guide_own if t.startswith("c:")))

    def _semantic(self, words: list[str]) -> np.ndarray:
        query = self._embed(words)
        return np.maximum(np.einsum("ij,j->i", self._item_vectors, query), 0.0)

    def _embed(self, words: list[str]) -> np.ndarray:
        """IDF-weighted mean of the words' vectors in each space, each unit length, side by side."""
        parts = []
        guide = self._guide
        for space in self._vocabulary.spaces.values():
            vector = np.zeros(space.vectors.shape[1], np.float32)
            for w in words:
                i = space.index.get(w)
                if i is not None:
                    t = guide.vocabulary.get("w:" + w)
                    vector += (guide.idf[t] if t is not None else guide.top_idf) * space.vectors[i]
            norm = np.linalg.norm(vector)
            parts.append(vector / norm if norm > 0 else vector)
        return np.concatenate(parts) / np.sqrt(len(parts))

    def _known_share(self, terms: list[str]) -> float:
        """IDF-weighted share of the question's terms that some guide uses (0 for an empty question).

        Counted over words and over character bigrams alike, so a typo (营业执找) still shows catalogue language.
        """
        guide = self._guide
        known = sum(guide.idf[guide.vocabulary[t]] for t in terms if t in guide.vocabulary)
        unknown = guide.top_idf * sum(t not in guide.vocabulary for t in terms)
        return float(known / (known + unknown)) if known + unknown > 0 else 0.0

    def foreign_place(self, words: list[str]) -> bool:
        """The question names a place (jieba's place words) that no guide mentions, and none that one does."""
        places = [w for w in words if w in _place_words()]
        if not places:
            return False
        local = [w for w in places if any(p.startswith(w[:2]) for p in self._places)]
        return not local

    def _fields_met(self, item: int, cols: set[int]) -> tuple[str, ...]:
        met = []
        for f, m in self._guide.fields.items():
            if not cols.isdisjoint(m.indices[m.indptr[item]:m.indptr[item + 1]].tolist()):
                met.append(f)
        return tuple(met)

    def candidates(self, query: str, pool: int, exclude: frozenset[str] = frozenset()
                   ) -> tuple[_Scores, list[list[int]], np.ndarray]:
        """The ``pool`` best distinct names by the blend (each with every item of that name, first the best),
        and one row of CANDIDATE_FEATURES per name. Names in ``exclude`` are skipped (as if not in the catalogue)."""
        s = self.scores(query)
        by_name: dict[str, list[int]] = {}
        for i in np.argsort(-s.blended, kind="stable")[: 20 * pool + 20]:  # ties: catalogue order
            if s.blended[i] < self.min_score:
                break
            name = self._names[i]
            if name in exclude:
                continue
            if name in by_name or len(by_name) < pool:
                by_name.setdefault(name, []).append(int(i))
        groups = list(by_name.values())
        return s, groups, self.candidate_features(s, groups)

    def candidate_features(self, s: _Scores, groups: list[list[int]]) -> np.ndarray:
        """What a learned ranker sees of each candidate: its fits, its place in the blend, and how much of the
        question its guide covers (own words, learned related words, character bigrams; IDF-weighted)."""
        if not groups:
            return np.zeros((0, len(CANDIDATE_FEATURES)))
        guide = self._guide
        word_ids = np.array([guide.vocabulary.get("w:" + w, -1) for w in s.words], dtype=np.int64)
        word_idf = np.where(word_ids >= 0, guide.idf[np.maximum(word_ids, 0)], guide.top_idf) if len(word_ids) \
            else np.zeros(0)
        char_ids = np.array([guide.vocabulary.get(t, -1) for t in s.chars], dtype=np.int64)
        char_idf = np.where(char_ids >= 0, guide.idf[np.maximum(char_ids, 0)], guide.top_idf) if len(char_ids) \
            else np.zeros(0)
        related_ids, related_owner = [], []
        if self._vocabulary is not None:
            for j, w in enumerate(s.words):
                for other, _ in self._vocabulary.related(w):
                    t = guide.vocabulary.get("w:" + other)
                    if t is not None:
                        related_ids.append(t)
                        related_owner.append(j)
        related_ids_a, related_owner_a = np.array(related_ids, dtype=np.int64), np.array(related_owner, dtype=np.int64)
        firsts = [g[0] for g in groups]
        best = max(float(s.blended[firsts[0]]), 1e-9)
        rows = []
        for position, (first, group) in enumerate(zip(firsts, groups, strict=True)):
            terms, title = self._all_terms[first], self._title_terms[first]
            in_all = _present(word_ids, terms)
            covered = in_all.copy()
            if len(related_ids_a):
                covered[related_owner_a[_present(related_ids_a, terms)]] = True
            uncovered = word_idf[~covered]
            rows.append((
                s.blended[first], s.name[first], s.guide[first],
                s.semantic[first] if s.semantic is not None else 0.0,
                s.blended[first] / best, np.log1p(position),
                _share(word_idf, in_all), _share(word_idf, _present(word_ids, title)),
                _share(char_idf, _present(char_ids, terms)), _share(word_idf, covered),
                float(uncovered.max()) / guide.top_idf if len(uncovered) else 0.0,
                np.log1p(len(self._names[first])), float(self._info_item[first]), np.log1p(len(group) - 1),
                np.log1p(len(s.words)), s.known))
        return np.array(rows, dtype=np.float64)

    def rank(self, query: str, k: int = 3, exclude: frozenset[str] = frozenset()) -> Ranking:
        """The ``k`` best distinct names, best first (each with every item of that name), and the question's signals.

        With a learned ranker the blend's best ``ranker.pool`` names are re-ordered by it, and a match's
        score is the ranker's probability that it is the item meant.
        """
        pool = max(k, self.ranker.pool) if self.ranker is not None else k
        s, groups, features = self.candidates(query, pool, exclude)
        firsts = [g[0] for g in groups]
        if self.ranker is not None and groups:
            scores = self.ranker.score(features)
            order = np.argsort(-scores, kind="stable")[:k]
        else:
            scores = s.blended[firsts] if firsts else np.zeros(0)
            order = np.arange(min(k, len(groups)))
        out = []
        cols = set(s.cols.tolist())
        for j in order:
            items, first = groups[j], firsts[j]
            label = s.best_label[first]
            matched = self._label_text[label] if label >= 0 else self._names[first]
            out.append(Match(self._codes[first], self._names[first], round(float(scores[j]), 4), matched,
                             tuple(self._codes[i] for i in items[1:]), self._fields_met(first, cols),
                             round(float(s.name[first]), 4), round(float(s.guide[first]), 4),
                             round(float(s.blended[first]), 4)))
        return Ranking(tuple(out), tuple(s.words), s.known, self.foreign_place(s.words),
                       features[order] if len(order) else features)

    def search(self, query: str, k: int = 3) -> list[Match]:
        """The ``k`` best distinct names, best first; empty when none fits at all."""
        return list(self.rank(query, k).matches)



def _row_sets(matrices) -> list[np.ndarray]:
    """Per item, the sorted ids of the terms any of the given field matrices (items × terms) holds."""
    combined = sum(matrices).tocsr()
    combined.sort_indices()
    return [combined.indices[combined.indptr[i]:combined.indptr[i + 1]].astype(np.int64)
            for i in range(combined.shape[0])]


def _present(ids: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """Which ``ids`` are among the sorted ``terms`` (an unknown id, -1, never is)."""
    if not len(ids) or not len(terms):
        return np.zeros(len(ids), dtype=bool)
    at = np.minimum(np.searchsorted(terms, ids), len(terms) - 1)
    return (terms[at] == ids) & (ids >= 0)


def _share(weights: np.ndarray, mask: np.ndarray) -> float:
    total = float(weights.sum())
    return float(weights[mask].sum()) / total if total > 0 else 0.0


def _place_texts(entry) -> list[str]:
    """Where an item is handled and who runs it: the area the catalogue serves."""
    place = getattr(entry, "place", None)
    texts = [getattr(entry, "department", ""), getattr(entry, "source", "")]
    if place is not None:
        texts += [place.hall, place.address or ""]
    return [t for t in texts if t]


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    """Names of provinces, cities, counties and districts, from jieba's own part-of-speech dictionary.

    jieba tags many common words as places (入口, 台风), so a word counts only if it is an administrative
    name itself (…省/市/区/县) or one with that suffix is in the dictionary too (成都 → 成都市).
    """
    import jieba.posseg

    tagged = {w for w, tag in jieba.posseg.dt.word_tag_tab.items() if tag == "ns"}
    suffixes = ("省", "市", "区", "县")
    return frozenset(w for w in tagged
                     if len(w) >= 2 and (w.endswith(suffixes) or any(w + s in tagged for s in suffixes)))
