"""Near-duplicate grouping, so cross-validation never scores a message against its own copy.

Citizens resubmit the same complaint, and the real training data holds some messages twice
(raw and pre-tokenized). Copies split across folds make out-of-fold scores look surer than
they are, which would teach the calibrator to be overconfident.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer


def near_duplicate_groups(tokens: Sequence[str], threshold: float = 0.8, max_df: float = 0.02) -> np.ndarray:
    """Group ids such that documents with cosine similarity ≥ ``threshold`` share a group.

    Similarity uses only words rarer than ``max_df``: common words make every pair look
    alike and would make the similarity matrix dense.
    """
    if len(tokens) < 2:
        return np.zeros(len(tokens), dtype=int)
    try:
        matrix = TfidfVectorizer(token_pattern=r"\S+", max_df=max_df, sublinear_tf=True).fit_transform(tokens)
    except ValueError:
        return np.arange(len(tokens))
    similarity = (matrix @ matrix.T).tocsr()
    similarity.data[similarity.data < threshold] = 0
    similarity.eliminate_zeros()
    _, labels = connected_components(similarity, directed=False)
    return labels
