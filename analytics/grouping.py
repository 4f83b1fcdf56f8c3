"""Grouping messages into issues: average linkage with a similarity threshold, and a live join.

Why average linkage: the number of issues is not known in advance (k-means would need it), most
messages stand alone, and an issue is a set of messages that are alike *on average*, which
tolerates one message that words the problem differently (single linkage would chain unrelated
messages through such bridges; complete linkage would split an issue over one outlier). Two groups
merge while the mean similarity between their messages is at least ``threshold``; a new message
joins the live issue whose members it is most like on average under the same rule, so the live
issues and a rebuild agree on what belongs together.

One author's messages share their writing habits (openers, set phrases), which makes them look
alike without being about the same problem; similarity between two messages of the same author
is lowered by ``same_user_penalty`` so their own repeats must agree more than strangers do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from analytics.features import Features, SimilarityConfig, pairwise_similarity


@dataclass(frozen=True)
class GroupingConfig:
    threshold: float = 0.2
    same_user_penalty: float = 0.1


def group_messages(features: Features, users: Sequence[str], similarity: SimilarityConfig,
                   config: GroupingConfig) -> np.ndarray:
    """Issue number of each message, numbered in order of each issue's first message in the input."""
    n = len(features)
    if n < 2:
        return np.zeros(n, dtype=int)
    matrix = pairwise_similarity(features, similarity)
    owners = np.asarray(users)
    matrix -= config.same_user_penalty * (owners[:, None] == owners[None, :])
    distance = np.clip(1.0 - matrix, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    raw = fcluster(tree, t=1.0 - config.threshold, criterion="distance")
    _, first_index, labels = np.unique(raw, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first_index))
    return order[labels]


class IssueIndex:
    """Live issues: every grouped message with its issue, and the rule that admits a new one.

    Grouped messages sit in one sparse block plus a short list of recent ones (folded into the
    block every ``FLUSH`` joins), so a join costs one sparse-times-dense product, not a rebuild.
    """

    FLUSH = 256

    def __init__(self, similarity: SimilarityConfig, config: GroupingConfig) -> None:
        self.similarity = similarity
        self.config = config
        self._block: Features | None = None
        self._block_users = np.array([], dtype=object)
        self._pending: list[Features] = []
        self._pending_users: list[str] = []
        self._labels = np.zeros(1024, dtype=np.int64)
        self._n = 0
        self.sizes: list[int] = []

    @classmethod
    def from_groups(cls, features: Features, users: Sequence[str], labels: Sequence[int],
                    similarity: SimilarityConfig, config: GroupingConfig) -> IssueIndex:
        index = cls(similarity, config)
        if len(features):
            index._block = features
            index._block_users = np.asarray(users, dtype=object)
            index._labels = np.asarray(labels, dtype=np.int64).copy()
            index._n = len(labels)
            index.sizes = np.bincount(index._labels).tolist()
        return index

    @property
    def n_issues(self) -> int:
        return len(self.sizes)

    @property
    def labels(self) -> list[int]:
        return self._labels[: self._n].tolist()

    def best_issue(self, one: Features, user: str) -> tuple[int | None, float]:
        """The issue ``one`` is most like on average, and that mean similarity."""
        if self._n == 0:
            return None, 0.0
        words = one.words.toarray().ravel()
        places = one.places.toarray().ravel() if one.has_place[0] else None
        parts = []
        if self._block is not None:
            block = self._block
            shared = (block.places @ places) > 0 if places is not None else None
            parts.append(self._scores(block.words @ words, shared, block.has_place, self._block_users == user))
        if self._pending:
            rows = self._pending
            dots = np.array([row.words.data @ words[row.words.indices] for row in rows])
            shared = np.array([places[row.places.indices].any() for row in rows]) if places is not None else None
            has_place = np.array([row.has_place[0] for row in rows])
            parts.append(self._scores(dots, shared, has_place, np.array([u == user for u in self._pending_users])))
        similarity = np.concatenate(parts)
        labels = self._labels[: self._n]
        means = np.bincount(labels, weights=similarity, minlength=self.n_issues) / np.maximum(self.sizes, 1)
        best = int(np.argmax(means))
        return best, float(means[best])

    def _scores(self, dots: np.ndarray, shared: np.ndarray | None, has_place: np.ndarray,
                same_user: np.ndarray) -> np.ndarray:
        """The similarity rule of ``features.pairwise_similarity`` and the same-author penalty, row by row."""
        similarity = np.asarray(dots, dtype=float) - self.config.same_user_penalty * same_user
        if shared is not None:
            similarity += np.where(shared, self.similarity.place_bonus, has_place * -self.similarity.place_penalty)
        return similarity

    def add(self, one: Features, user: str) -> int:
        """Join the best issue if it is alike enough, else open a new one; return the issue number."""
        best, score = self.best_issue(one, user)
        if best is None or score < self.config.threshold:
            best = self.n_issues
            self.sizes.append(0)
        self.sizes[best] += 1
        if self._n == len(self._labels):
            self._labels = np.concatenate([self._labels, np.zeros(len(self._labels), dtype=np.int64)])
        self._labels[self._n] = best
        self._n += 1
        self._pending.append(one)
        self._pending_users.append(user)
        if len(self._pending) >= self.FLUSH:
            self._flush()
        return best

    def _flush(self) -> None:
        parts = ([self._block] if self._block is not None else []) + self._pending
        self._block = Features.stack(parts)
        self._block_users = np.concatenate([self._block_users, np.asarray(self._pending_users, dtype=object)])
        self._pending, self._pending_users = [], []
