"""What makes two messages about the same issue: the same words, and the same place when both name one.

A message becomes a unit TF-IDF vector over its content words (title words counted
``title_weight`` times, since a title states place and problem tersely) and the set of fine places
it names (canonical names, so 阳光家园小区 and 青山街道阳光家园 are both 阳光家园). Similarity is the
cosine of the word vectors, moved when both messages name a place: sharing one adds
``place_bonus``, naming only different ones takes ``place_penalty`` away (a noise complaint at
one estate is not the one at another). Both terms are sparse products, so a new message is compared
with every grouped message at once: what average-linkage grouping and the live join both need.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from analytics.dataset import Message
from analytics.places import Analysed, PlaceFinder


@dataclass(frozen=True)
class FeatureConfig:
    title_weight: int = 2
    max_body_chars: int = 400
    min_df: int = 2
    max_df: float = 0.3
    request_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class SimilarityConfig:
    place_bonus: float = 0.05
    place_penalty: float = 0.2


@dataclass(frozen=True)
class MessageAnalysis:
    """A message's words and places, computed once and shared by grouping, descriptions and the join."""

    title_words: list[str]
    body_words: list[str]
    places: list[str]
    areas: list[str]

    def weighted_words(self, title_weight: int) -> list[str]:
        return self.title_words * title_weight + self.body_words


@dataclass
class Features:
    """Unit word vectors, 0/1 place indicators (zero rows when no place is named), and which rows name one."""

    words: sparse.csr_matrix
    places: sparse.csr_matrix
    has_place: np.ndarray

    def __len__(self) -> int:
        return self.words.shape[0]

    def row(self, i: int) -> Features:
        return Features(self.words[i], self.places[i], self.has_place[i:i + 1])

    @classmethod
    def stack(cls, parts: Sequence[Features]) -> Features:
        return cls(sparse.vstack([p.words for p in parts], format="csr"),
                   sparse.vstack([p.places for p in parts], format="csr"),
                   np.concatenate([p.has_place for p in parts]))


def analyse_messages(finder: PlaceFinder, messages: Sequence[Message], config: FeatureConfig,
                     batch_size: int = 128) -> list[MessageAnalysis]:
    """One place-finder pass over every title and (truncated) body; request words (投诉, 咨询) are dropped."""
    texts: list[str] = []
    for message in messages:
        texts += [message.title, message.body[: config.max_body_chars]]
    done = finder.analyse(texts, batch_size=batch_size)
    skip = set(config.request_words)
    return [_combine(title, body, skip) for title, body in zip(done[0::2], done[1::2], strict=True)]


def _combine(title: Analysed, body: Analysed, skip: set[str]) -> MessageAnalysis:
    places = list(dict.fromkeys(title.fine_places + body.fine_places))
    areas = list(dict.fromkeys(title.areas + body.areas))
    return MessageAnalysis([w for w in title.words if w not in skip], [w for w in body.words if w not in skip],
                           places, areas)


def _identity(values: list[str]) -> list[str]:
    return values


class MessageVectorizer:
    """Fits the word and place vocabularies on a corpus, then turns analyses into ``Features``.

    The word space is open: a word first seen after fitting gets a column of its own, weighted as
    the rarest words are, so two new messages about a new subject (路灯 in a month without any) match
    each other at once instead of waiting for the next rebuild, and a new message is not made to
    look like an old one by its few familiar words (办理, 需要). Words the fit left out (in fewer than
    ``min_df`` or more than ``max_df`` of the fitted messages) count for nothing, for fitted and
    new messages alike.
    """

    OPEN_COLUMNS = 1 << 20

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()

    def fit(self, analyses: Sequence[MessageAnalysis]) -> MessageVectorizer:
        min_df = self.config.min_df if len(analyses) >= 2 * self.config.min_df else 1
        max_df = self.config.max_df if len(analyses) >= 20 else 1.0
        docs = [a.weighted_words(self.config.title_weight) for a in analyses]
        fitted = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df, max_df=max_df).fit(docs)
        self.vocabulary_ = dict(fitted.vocabulary_)
        self.idf_ = fitted.idf_
        df = Counter(w for doc in docs for w in set(doc))
        self.dropped_ = {w for w in df if w not in self.vocabulary_}
        self.new_idf_ = float(np.log((1 + len(docs)) / 1) + 1)
        self.new_words_: dict[str, int] = {}
        self.places_ = CountVectorizer(analyzer=_identity, binary=True)
        self.places_.fit([a.places for a in analyses if a.places] or [["无地点"]])
        return self

    def transform(self, analyses: Iterable[MessageAnalysis]) -> Features:
        analyses = list(analyses)
        rows, columns, values = [], [], []
        for row, analysis in enumerate(analyses):
            for word, count in Counter(analysis.weighted_words(self.config.title_weight)).items():
                column = self._column(word)
                if column is None:
                    continue
                idf = self.idf_[column] if column < len(self.idf_) else self.new_idf_
                rows.append(row)
                columns.append(column)
                values.append((1 + np.log(count)) * idf)
        width = len(self.idf_) + self.OPEN_COLUMNS
        words = normalize(sparse.csr_matrix((values, (rows, columns)), shape=(len(analyses), width)))
        places = self.places_.transform([a.places for a in analyses])
        has_place = np.asarray(places.getnnz(axis=1) > 0)
        return Features(words.tocsr(), places.tocsr(), has_place)

    def _column(self, word: str) -> int | None:
        """The word's column; a word seen for the first time gets the next open one."""
        if word in self.vocabulary_:
            return self.vocabulary_[word]
        if word in self.dropped_:
            return None
        if word not in self.new_words_:
            if len(self.new_words_) >= self.OPEN_COLUMNS:
                return None
            self.new_words_[word] = len(self.idf_) + len(self.new_words_)
        return self.new_words_[word]


def pairwise_similarity(features: Features, config: SimilarityConfig) -> np.ndarray:
    """Dense similarity between every two messages (float32; the diagonal is set to 1)."""
    similarity = (features.words @ features.words.T).toarray().astype(np.float32)
    shared = (features.places @ features.places.T).toarray() > 0
    both = np.outer(features.has_place, features.has_place)
    similarity += np.where(shared, config.place_bonus, both * -config.place_penalty).astype(np.float32)
    np.fill_diagonal(similarity, 1.0)
    return similarity
