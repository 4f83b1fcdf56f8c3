"""What makes two messages about the same issue: the same words, and the same place when both name one.

A message becomes a unit TF-IDF vector over its content words (title words counted
``title_weight`` times, since a title states place and problem tersely) and the set of fine places
it names (canonical names, so 丽发新城小区 and 暮云街道丽发新城 are both 丽发新城). Similarity is the
cosine of the word vectors, moved when both messages name a place: sharing one adds
``place_bonus``, naming only different ones takes ``place_penalty`` away (a noise complaint at
one estate is not the one at another). Both terms are sparse products, so a new message is compared
with every grouped message at once: what average-linkage grouping and the live join both need.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

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
    return [_combine(title, body, skip) for title, body in zip(done[0::2], done[1::2])]


def _combine(title: Analysed, body: Analysed, skip: set[str]) -> MessageAnalysis:
    places = list(dict.fromkeys(title.fine_places + body.fine_places))
    areas = list(dict.fromkeys(title.areas + body.areas))
    return MessageAnalysis([w for w in title.words if w not in skip], [w for w in body.words if w not in skip],
                           places, areas)


def _identity(values: list[str]) -> list[str]:
    return values


class MessageVectorizer:
    """Fits the word and place vocabularies on a corpus, then turns analyses into ``Features``.

    Words never seen when fitting still lengthen a new message's vector (as the rarest words,
    which they are) although they match nothing: a message about something new must not look like
    another just because its few familiar words (办理, 需要) do. Words seen but left out of the
    vocabulary (too rare or too common) count for nothing, for new and fitted messages alike.
    """

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()

    def fit(self, analyses: Sequence[MessageAnalysis]) -> MessageVectorizer:
        min_df = self.config.min_df if len(analyses) >= 2 * self.config.min_df else 1
        max_df = self.config.max_df if len(analyses) >= 20 else 1.0
        docs = [a.weighted_words(self.config.title_weight) for a in analyses]
        self.words_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df, max_df=max_df, norm=None)
        self.words_.fit(docs)
        self.seen_ = {w for doc in docs for w in doc}
        self.unseen_idf_ = float(np.log((1 + len(docs)) / 1) + 1)
        self.places_ = CountVectorizer(analyzer=_identity, binary=True)
        self.places_.fit([a.places for a in analyses if a.places] or [["无地点"]])
        return self

    def transform(self, analyses: Iterable[MessageAnalysis]) -> Features:
        analyses = list(analyses)
        docs = [a.weighted_words(self.config.title_weight) for a in analyses]
        words = self.words_.transform(docs).tocsr()
        vocabulary = self.words_.vocabulary_
        unseen = np.array([sum((1 + np.log(c)) ** 2 for w, c in Counter(doc).items()
                               if w not in vocabulary and w not in self.seen_) for doc in docs])
        norms = np.sqrt(np.asarray(words.multiply(words).sum(axis=1)).ravel() + unseen * self.unseen_idf_ ** 2)
        words = sparse.diags(1 / np.where(norms > 0, norms, 1)) @ words
        places = self.places_.transform([a.places for a in analyses])
        has_place = np.asarray(places.getnnz(axis=1) > 0)
        return Features(words.tocsr(), places.tocsr(), has_place)


def pairwise_similarity(features: Features, config: SimilarityConfig) -> np.ndarray:
    """Dense similarity between every two messages (float32; the diagonal is set to 1)."""
    similarity = (features.words @ features.words.T).toarray().astype(np.float32)
    shared = (features.places @ features.places.T).toarray() > 0
    both = np.outer(features.has_place, features.has_place)
    similarity += np.where(shared, config.place_bonus, both * -config.place_penalty).astype(np.float32)
    np.fill_diagonal(similarity, 1.0)
    return similarity
