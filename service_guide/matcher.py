"""Find the service item a citizen means from everyday wording ("小孩上户口带什么").

Each item is indexed under its name and every alias; a query is normalised, stripped of
question phrasing, expanded with colloquial→formal wording, and compared with each name by
IDF-weighted overlap of character 1–2-grams (robust to typos and to words jieba splits
differently) blended with jieba words. An item's score is its best-matching name or alias.

Why overlap and not cosine: cosine divides by the name's length, so a short generic name
("咨询投诉") beats the long official one that covers most of the question ("商标注册咨询服务").
The overlap score is a weighted harmonic mean of how much of the query the name covers
(recall, weighted ``recall_weight``) and how much of the name the query covers (precision).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import CountVectorizer

from service_guide.catalogue import Catalogue
from zhtext.segment import Segmenter, cached_segmenter, read_dictionary, resource_path

CONFIG_DIR = Path(__file__).resolve().parent / "config"

#: Question phrasing that says nothing about which item is meant.
_FILLER = re.compile(
    "请问|你好|您好|我想|我要|想要|想|需要|要带|带什么|要啥|啥|什么|哪些|怎么|如何|怎样|在哪里?|去哪里?|哪里|"
    "可以|能不能|能否|能|吗|呢|啊|呀|吧|了|的|一下|材料|手续|流程|办法|一个|个|谢谢"
)
_PUNCT = re.compile(r"[\s，。！？、；：,.!?;:（）()《》“”\"'【】\[\]/-]+")
_INFO_SERVICE = re.compile(r"(查询|查阅|指引|指南|公示|公布|公告|下载|列表|名录|宣传)$")


def char_grams(text: str) -> list[str]:
    """Character unigrams and bigrams inside each word-run (never across the gaps filler leaves)."""
    grams: list[str] = []
    for run in text.split():
        grams.extend(run)
        grams.extend(run[i:i + 2] for i in range(len(run) - 1))
    return grams


def normalise_query(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = _PUNCT.sub(" ", text)
    return _FILLER.sub(" ", text).strip()


@dataclass(frozen=True)
class Match:
    code: str
    name: str
    score: float
    matched: str  # the name or alias that matched best
    same_name: tuple[str, ...] = ()  # other items with this very name (another office or sub-case)


@dataclass(frozen=True)
class Resolution:
    """The matcher's answer: one item, a choice to ask back, or nothing."""

    best: Match | None
    candidates: tuple[Match, ...]
    ambiguous: bool


class _Overlap:
    """IDF-weighted overlap between a query and every indexed name, over one kind of token."""

    def __init__(self, vectorizer: CountVectorizer, recall_weight: float) -> None:
        self.vectorizer = vectorizer
        self.recall_weight = recall_weight

    def fit(self, docs: list[str]) -> _Overlap:
        present = self.vectorizer.fit_transform(docs).tocsc()
        present.data[:] = 1
        df = np.asarray(present.sum(axis=0)).ravel()
        self._idf = np.log((present.shape[0] + 1) / (df + 1)) + 1
        self._unseen_idf = np.log(present.shape[0] + 1) + 1  # a token no name contains
        self._present = present
        self._doc_weight = np.asarray(present @ self._idf).ravel()
        self._analyse = self.vectorizer.build_analyzer()
        return self

    def scores(self, text: str) -> np.ndarray:
        grams = set(self._analyse(text))
        known = [self.vectorizer.vocabulary_[g] for g in grams if g in self.vectorizer.vocabulary_]
        if not known:
            return np.zeros(self._present.shape[0])
        weights = self._idf[known]
        total = weights.sum() + (len(grams) - len(known)) * self._unseen_idf
        shared = self._present[:, known] @ weights
        with np.errstate(divide="ignore", invalid="ignore"):  # names sharing nothing score 0 below
            recall = shared / total
            precision = shared / self._doc_weight
            harmonic = 1 / (self.recall_weight / recall + (1 - self.recall_weight) / precision)
        return np.where(shared > 0, harmonic, 0.0)


class ItemMatcher:
    """Fuzzy item lookup, configured like a scikit-learn estimator: ``fit`` then ``search``.

    ``char_weight``: share of the character score (the rest is jieba words).
    ``recall_weight``: how much covering the query counts against covering the name.
    ``min_score``: below it there is no match. ``ambiguity_ratio``: when the runner-up
    (a different name) scores at least this share of the best, the bot asks back.
    ``info_penalty``: official catalogues list many information services (…查询, …指引,
    …公示); a citizen asking how to get something done rarely means those, so their score
    is multiplied by this unless the query itself asks to look something up (查).
    """

    def __init__(self, char_weight: float = 0.8, recall_weight: float = 0.6, min_score: float = 0.2,
                 ambiguity_ratio: float = 0.8, info_penalty: float = 0.85,
                 expansions: dict[str, list[str]] | None = None, segmenter: Segmenter | None = None) -> None:
        self.char_weight = char_weight
        self.recall_weight = recall_weight
        self.info_penalty = info_penalty
        self.min_score = min_score
        self.ambiguity_ratio = ambiguity_ratio
        self.expansions = expansions if expansions is not None else load_expansions()
        self.segmenter = segmenter

    def fit(self, catalogue: Catalogue) -> ItemMatcher:
        self._segmenter = self.segmenter or cached_segmenter(
            tuple(read_dictionary(resource_path("domain_dict.txt"))), frozenset())
        docs: list[str] = []
        owners: list[str] = []
        names: dict[str, str] = {}
        for code, entry in [*catalogue.items.items(), *catalogue.bundles.items()]:
            names[code] = entry.name
            for label in dict.fromkeys((entry.name, *entry.aliases)):
                docs.append(label)
                owners.append(code)
        self._docs = docs
        self._names = names
        self._codes = list(names)
        self._code_index = {c: i for i, c in enumerate(self._codes)}
        self._owner_index = np.array([self._code_index[c] for c in owners])
        self._info_item = np.array([bool(_INFO_SERVICE.search(names[c])) for c in self._codes])
        cleaned = [normalise_query(d) or d for d in docs]
        self._char = _Overlap(CountVectorizer(analyzer=char_grams), self.recall_weight).fit(cleaned)
        self._word = _Overlap(CountVectorizer(analyzer=self._words), self.recall_weight).fit(cleaned)
        return self

    def _words(self, text: str) -> list[str]:
        return self._segmenter.cut(text)

    def expand(self, query: str) -> str:
        """The normalised query plus the formal wording of any colloquial phrase in it."""
        extra = [formal for colloquial, formals in self.expansions.items() if colloquial in query for formal in formals]
        return " ".join([normalise_query(query), *extra]).strip()

    def search(self, query: str, k: int = 3) -> list[Match]:
        """The ``k`` best items (each once), best first; empty when nothing is close enough."""
        text = self.expand(query)
        if not text:
            return []
        doc_scores = self.char_weight * self._char.scores(text) + (1 - self.char_weight) * self._word.scores(text)
        best_doc = np.full(len(self._codes), -1)
        best_score = np.zeros(len(self._codes))
        order = np.argsort(-doc_scores)
        for doc in order[: max(50, 20 * k)]:
            item = self._owner_index[doc]
            if best_doc[item] < 0:
                best_doc[item] = doc
                best_score[item] = doc_scores[doc]
        if self.info_penalty != 1.0 and "查" not in query:
            best_score = np.where(self._info_item, best_score * self.info_penalty, best_score)
        by_name: dict[str, list[int]] = {}
        for i in np.argsort(-best_score):
            if best_doc[i] < 0 or best_score[i] < self.min_score:
                break
            name = self._names[self._codes[i]]
            if name in by_name or len(by_name) < k:
                by_name.setdefault(name, []).append(i)
        return [Match(self._codes[i[0]], name, round(float(best_score[i[0]]), 4), self._docs[best_doc[i[0]]],
                      tuple(self._codes[j] for j in i[1:])) for name, i in by_name.items()]

    def resolve(self, query: str, k: int = 3) -> Resolution:
        """The item meant, or the close candidates to ask back about (a different name scoring near the best)."""
        matches = self.search(query, k)
        if not matches:
            return Resolution(None, (), False)
        best = matches[0]
        close = [m for m in matches[1:] if m.name != best.name and m.score >= best.score * self.ambiguity_ratio]
        return Resolution(best, tuple(matches), bool(close))


def load_expansions(path: Path | str = CONFIG_DIR / "colloquial.yml") -> dict[str, list[str]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {str(k): [str(v) for v in vs] for k, vs in (data.get("expansions") or {}).items()}
