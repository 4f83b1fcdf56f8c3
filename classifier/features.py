"""Word and character n-gram TF-IDF features of token lists, counted in one pass.

The classifier's features were a ``FeatureUnion`` of two ``TfidfVectorizer``: word n-grams of
the space-joined tokens and ``char_wb`` n-grams of the same string. That counted each message
twice, n-gram by n-gram in Python, and validated its input on every call, which on one ticket
at a time cost more than the segmentation. ``NgramTfidf`` computes the same matrix (same
columns in the same order, same values) from the token lists directly:

- a token's own word column and its character n-grams never depend on its neighbours, so they
  are counted once per distinct training token, into ``token_matrix_`` (tokens × features);
  a batch's counts are then its token counts times that matrix, one sparse product;
- word n-grams of two or three tokens are integer codes of neighbouring tokens, found by a
  binary search in one sorted array per length;
- tokens never seen in training contribute only character n-grams (their words cannot be in
  the vocabulary), which are looked up one by one and remembered.

Like the two vectorizers it lowercases, uses ``1 + log(count)`` times the smoothed idf, and
scales the word block and the character block each to unit length. A linear model on these
features need not see them: ``linear_scores`` takes the counts (``count_parts``) and weights with
the idf folded in (``fold``), and scales each block's share of the score by its length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, compress, repeat

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

# Tokens remembered between calls (token → code, unseen token → columns); past this they start afresh.
_CACHE_LIMIT = 200_000
_MEMOS = ("_codes", "_unseen", "_idf2")
# Word n-grams are integer codes of up to three tokens, which fit in 64 bits for any realistic vocabulary.
_MAX_WORD_NGRAM = 3
# The code of a token not yet in the memo (real codes are ≥ 0, unseen tokens -1).
_NEW = -2
# Below this many documents, counts are summed by sorting rather than by a sparse product.
_SMALL_BATCH = 16


class NgramTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF of word ``word_ngram_range``-grams and ``char_wb`` ``char_ngram_range``-grams of tokens.

    ``fit`` and ``transform`` take token sequences (one per document), not strings.
    Terms in fewer than ``min_df`` training documents are dropped.
    """

    def __init__(
        self, word_ngram_range: tuple[int, int] = (1, 2), char_ngram_range: tuple[int, int] = (1, 3), min_df: int = 2
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df

    def fit(self, X: Iterable[Sequence[str]], y: object = None) -> NgramTfidf:
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Iterable[Sequence[str]], y: object = None) -> sparse.csr_matrix:
        """Learn vocabulary and idf from one count of the training documents, and return their matrix."""
        if not 1 <= self.word_ngram_range[0] <= self.word_ngram_range[1] <= _MAX_WORD_NGRAM:
            raise ValueError(f"word_ngram_range must lie within (1, {_MAX_WORD_NGRAM}), got {self.word_ngram_range}")
        docs = X if isinstance(X, list) else list(X)
        for memo in _MEMOS:
            self.__dict__.pop(memo, None)
        distinct: set[str] = set()
        for tokens in docs:
            distinct.update(tokens)
        table = sorted({token.lower() for token in distinct})
        self.token_codes_ = {token: code for code, token in enumerate(table)}

        # Provisional columns: every training token's own keys, then the word n-grams as they are found.
        keys: dict[str | tuple[str], int] = {}
        token_rows: list[int] = []
        token_cols: list[int] = []
        for code, token in enumerate(table):
            token_keys = self._token_keys(token)
            token_rows.extend([code] * len(token_keys))
            token_cols.extend(keys.setdefault(key, len(keys)) for key in token_keys)
        key_list = list(keys)
        n_keys = len(keys)
        flat, doc_of, _ = self._encode(docs)
        ngram_rows, ngram_cols, ngram_codes = [], [], []
        for n, positions, found in self._ngrams(flat, len(table)):
            codes, inverse = np.unique(found, return_inverse=True)
            ngram_rows.append(doc_of[positions])
            ngram_cols.append(n_keys + inverse)
            ngram_codes.append((n, codes, n_keys))
            n_keys += len(codes)
        token_matrix = _counts(np.array(token_rows), np.array(token_cols), (len(table), n_keys))
        indptr, cols, counts = self._count(flat, doc_of, ngram_rows, ngram_cols, token_matrix, len(docs))

        # Keep terms in at least min_df documents; order each block by term as sklearn does, words first.
        df = np.bincount(cols, minlength=n_keys)
        kept = np.flatnonzero(df >= self.min_df)
        if len(kept) == 0:
            raise ValueError("After pruning, no terms remain. Try a lower min_df.")
        names: dict[int, str] = {}
        for i in kept[kept < len(key_list)]:
            key = key_list[i]
            names[i] = key if isinstance(key, str) else key[0]
        for n, codes, start in ngram_codes:
            for i in kept[(kept >= start) & (kept < start + len(codes))]:
                names[i] = " ".join(table[c] for c in _decode(int(codes[i - start]), n, len(table)))
        is_word = np.array([i >= len(key_list) or not isinstance(key_list[i], str) for i in kept], dtype=bool)
        word = sorted(kept[is_word], key=names.__getitem__)
        char = sorted(kept[~is_word], key=names.__getitem__)
        order = np.array(word + char, dtype=np.int64)
        final = np.full(n_keys, -1, dtype=np.int64)
        final[order] = np.arange(len(order))

        self.n_word_features_ = len(word)
        self.feature_names_ = np.array([f"word__{names[i]}" for i in word] + [f"char__{names[i]}" for i in char],
                                       dtype=object)
        self.idf_ = (np.log((1 + len(docs)) / (1 + df[order])) + 1).astype(np.float32)
        self.char_index_ = {names[i]: int(final[i]) for i in char}
        self.token_matrix_ = _remap_columns(token_matrix, final, len(order))
        self.ngram_keys_, self.ngram_cols_ = {}, {}
        for n, codes, start in ngram_codes:
            columns = final[start : start + len(codes)]
            self.ngram_keys_[n], self.ngram_cols_[n] = codes[columns >= 0], columns[columns >= 0]
        counts = _remap_columns(sparse.csr_matrix((counts, cols, indptr), shape=(len(docs), n_keys)),
                                final, len(order))
        data = self._tfidf(counts.indptr, counts.indices, counts.data)
        return sparse.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)

    def transform(self, X: Iterable[Sequence[str]]) -> sparse.csr_matrix:
        indptr, cols, data = self.transform_parts(X)
        return sparse.csr_matrix((data, cols, indptr), shape=(len(indptr) - 1, len(self.idf_)))

    def transform_parts(self, X: Iterable[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``transform``'s CSR ``indptr``, ``indices`` and ``data``, without building (and checking) a matrix."""
        indptr, cols, counts = self.count_parts(X)
        return indptr, cols, self._tfidf(indptr, cols, counts)

    def count_parts(self, X: Iterable[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR ``indptr``, ``indices`` and ``data`` of the term counts, from which ``transform`` weighs."""
        if "token_matrix_" not in self.__dict__:
            check_is_fitted(self, "token_matrix_")
        docs = X if isinstance(X, list) else list(X)
        if len(docs) == 1:
            return self._count_one(docs)
        flat, doc_of, unseen = self._encode(docs)
        rows, cols = [], []
        for n, positions, found in self._ngrams(flat, self.token_matrix_.shape[0]):
            known = self.ngram_keys_[n]
            if len(known):
                by_code = np.argsort(found)  # sorted needles keep the binary searches in cache
                positions, found = positions[by_code], found[by_code]
                where = np.minimum(np.searchsorted(known, found), len(known) - 1)
                hit = known[where] == found
                rows.append(doc_of[positions[hit]])
                cols.append(self.ngram_cols_[n][where[hit]])
        rows.append(np.array(unseen[0], dtype=np.int64))
        cols.append(np.array(unseen[1], dtype=np.int64))
        return self._count(flat, doc_of, rows, cols, self.token_matrix_, len(docs))

    def _count_one(self, docs: list[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``count_parts`` of one document: its columns, each as often as it occurs, counted by one sort.

        Without the bookkeeping of which document an entry belongs to, one ticket takes half the
        numpy calls of a batch, and numpy's fixed cost per call is most of a ticket's time.
        """
        tokens = docs[0]
        cache = self._cache("_codes")
        codes = list(map(cache.get, tokens))
        if None in codes:
            codes = [self._learn_code(t, cache) if c is None else c for t, c in zip(tokens, codes, strict=True)]
        unseen = compress(tokens, [c < 0 for c in codes]) if -1 in codes else ()
        found_columns = [np.array([c for token in unseen for c in self._unseen_columns(token)], dtype=np.int64)]
        flat = np.array(codes, dtype=np.int64)
        matrix = self.token_matrix_
        seen = flat[flat >= 0]
        starts = matrix.indptr[seen]
        lengths = matrix.indptr[seen + 1] - starts
        index = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))
        found_columns.append(np.repeat(matrix.indices[index], matrix.data[index].astype(np.int64)))
        for n, _, found in self._ngrams(flat, matrix.shape[0]):
            known = self.ngram_keys_[n]
            if len(known):
                found = np.sort(found)  # sorted needles keep the binary searches in cache
                where = np.minimum(np.searchsorted(known, found), len(known) - 1)
                found_columns.append(self.ngram_cols_[n][where[known[where] == found]])
        columns, counts = np.unique(np.concatenate(found_columns), return_counts=True)
        return np.array([0, len(columns)]), columns.astype(np.int64), counts.astype(np.float32)

    def linear_scores(self, parts: tuple[np.ndarray, np.ndarray, np.ndarray], weights: np.ndarray) -> np.ndarray:
        """``transform(X) @ weights`` from ``count_parts(X)``, with ``weights`` as ``fold`` made them.

        The idf is already in the weights and each block's length scales a document's row at the end,
        so no matrix of tf-idf values is built: a batch costs one logarithm per entry and one product.
        """
        indptr, cols, counts = parts
        n_docs = len(indptr) - 1
        tf = np.log(counts, dtype=np.float32)
        tf += 1
        rows = np.repeat(np.arange(n_docs), np.diff(indptr))
        in_char = cols >= self.n_word_features_
        slot = 2 * rows + in_char
        squares = np.bincount(slot, weights=tf * tf * self._squared_idf()[cols], minlength=2 * n_docs)
        lengths = np.sqrt(squares).reshape(n_docs, 2)
        scale = 1 / np.where(lengths > 0, lengths, 1)
        tf *= scale.ravel()[slot]
        if n_docs == 1:
            return (tf @ weights[cols])[np.newaxis, :]
        return sparse.csr_matrix((tf, cols, indptr), shape=(n_docs, len(weights))) @ weights

    def fold(self, weights: np.ndarray) -> np.ndarray:
        """Feature weights (one row per feature) with each row times its idf, for ``linear_scores``."""
        return np.ascontiguousarray(weights * self.idf_[:, np.newaxis], dtype=np.float32)

    def _squared_idf(self) -> np.ndarray:
        squared = self.__dict__.get("_idf2")
        if squared is None:
            squared = self.__dict__["_idf2"] = self.idf_ * self.idf_
        return squared

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "token_matrix_")
        return self.feature_names_

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())
        for memo in _MEMOS:  # derived from the fitted state; refilled as tokens are seen
            state.pop(memo, None)
        return state

    def _token_keys(self, token: str) -> list[str | tuple[str]]:
        """The token's own word 1-gram (if counted) and its character n-grams, as ``char_wb`` cuts them."""
        keys: list[str | tuple[str]] = [(token,)] if self.word_ngram_range[0] == 1 else []
        padded = f" {token} "
        low, high = self.char_ngram_range
        for n in range(low, high + 1):
            if len(padded) <= n:  # a short word counts once, whole
                keys.append(padded)
                break
            keys.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return keys

    def _encode(self, docs: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, tuple[list[int], list[int]]]:
        """Token codes of all documents end to end, -1 after each document and for unseen tokens;
        the document of each position; and (documents, columns) of the unseen tokens' character n-grams.

        The whole batch is looked up in one pass; only tokens new to the memo, and unseen ones, cost a
        Python step each.
        """
        cache = self._cache("_codes")
        tokens = list(chain.from_iterable(docs))
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        codes = np.fromiter(map(cache.get, tokens, repeat(_NEW)), dtype=np.int64, count=len(tokens))
        new = np.flatnonzero(codes == _NEW)
        if len(new):
            codes[new] = [self._learn_code(tokens[i], cache) for i in new.tolist()]
        unseen_rows: list[int] = []
        unseen_cols: list[int] = []
        unseen = np.flatnonzero(codes < 0)
        if len(unseen):
            doc_of_token = np.repeat(np.arange(len(docs)), lengths)
            for i, row in zip(unseen.tolist(), doc_of_token[unseen].tolist(), strict=True):
                columns = self._unseen_columns(tokens[i])
                unseen_cols.extend(columns)
                unseen_rows.extend([row] * len(columns))
        flat = np.insert(codes, np.cumsum(lengths), -1)
        doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths + 1)
        return flat, doc_of, (unseen_rows, unseen_cols)

    def _cache(self, name: str) -> dict:
        """A memo kept between calls but not pickled, emptied when it grows past its limit."""
        cache = self.__dict__.setdefault(name, {})
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        return cache

    def _learn_code(self, token: str, cache: dict[str, int]) -> int:
        code = cache[token] = self.token_codes_.get(token.lower(), -1)
        return code

    def _unseen_columns(self, token: str) -> tuple[int, ...]:
        """The character n-gram columns of a token that training never saw (its word cannot be a column)."""
        cache = self._cache("_unseen")
        columns = cache.get(token)
        if columns is None:
            found = (self.char_index_.get(k) for k in self._token_keys(token.lower()) if isinstance(k, str))
            columns = cache[token] = tuple(c for c in found if c is not None)
        return columns

    def _ngrams(self, flat: np.ndarray, n_codes: int) -> Iterable[tuple[int, np.ndarray, np.ndarray]]:
        """For each word n-gram length of two or more: the start positions and integer codes of the n-grams."""
        for n in range(max(2, self.word_ngram_range[0]), self.word_ngram_range[1] + 1):
            m = len(flat) - n + 1
            if m <= 0:
                continue
            found, valid = flat[:m].copy(), flat[:m] >= 0
            for k in range(1, n):
                part = flat[k : k + m]
                found = found * n_codes + part
                valid &= part >= 0
            positions = np.flatnonzero(valid)
            yield n, positions, found[positions]

    @staticmethod
    def _count(flat: np.ndarray, doc_of: np.ndarray, rows: list[np.ndarray], cols: list[np.ndarray],
               token_matrix: sparse.csr_matrix, n_docs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR parts of the counts: the token matrix's row for every token occurrence, plus one per (row, col).

        A few documents are summed by sorting their entries; a batch by a sparse product, whose
        set-up costs time in the number of columns once per call.
        """
        n_cols = token_matrix.shape[1]
        extra_rows = np.concatenate([*rows, np.empty(0, dtype=np.int64)])
        extra_cols = np.concatenate([*cols, np.empty(0, dtype=np.int64)])
        if n_docs < _SMALL_BATCH:
            token_rows, token_cols, token_values = _rows_of(token_matrix, flat, doc_of)
            keys, inverse = np.unique(np.concatenate([token_rows, extra_rows]) * n_cols
                                      + np.concatenate([token_cols, extra_cols]), return_inverse=True)
            values = np.concatenate([token_values, np.ones(len(extra_rows), dtype=np.float32)])
            indptr = np.zeros(n_docs + 1, dtype=np.int64)
            np.cumsum(np.bincount(keys // n_cols, minlength=n_docs), out=indptr[1:])
            return indptr, keys % n_cols, np.bincount(inverse, weights=values).astype(np.float32)
        seen = flat >= 0
        counts = _counts(doc_of[seen], flat[seen], (n_docs, token_matrix.shape[0])) @ token_matrix
        counts = counts + _counts(extra_rows, extra_cols, (n_docs, n_cols))
        return counts.indptr, counts.indices, counts.data

    def _tfidf(self, indptr: np.ndarray, cols: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Sublinear tf times idf, the word block and the character block each scaled to unit length."""
        n_docs = len(indptr) - 1
        rows = np.repeat(np.arange(n_docs), np.diff(indptr))
        data = (np.log(counts.astype(np.float32)) + 1) * self.idf_[cols]
        squares = (data * data).astype(np.float64)
        is_word = cols < self.n_word_features_
        word_norm = np.sqrt(np.bincount(rows, weights=squares * is_word, minlength=n_docs))
        char_norm = np.sqrt(np.bincount(rows, weights=squares * ~is_word, minlength=n_docs))
        norm = np.where(is_word, word_norm[rows], char_norm[rows])
        return data / np.where(norm > 0, norm, 1).astype(np.float32)


def _rows_of(matrix: sparse.csr_matrix, codes: np.ndarray, doc_of: np.ndarray) -> tuple[np.ndarray, ...]:
    """(document, column, value) of the matrix rows of every code ≥ 0, each row attributed to its document.

    A gather of whole rows in numpy: a sparse product would cost time in the number of columns.
    """
    seen = codes >= 0
    codes, docs = codes[seen], doc_of[seen]
    starts = matrix.indptr[codes]
    lengths = matrix.indptr[codes + 1] - starts
    first = np.cumsum(lengths) - lengths
    index = np.repeat(starts - first, lengths) + np.arange(int(lengths.sum()))
    return np.repeat(docs, lengths), matrix.indices[index].astype(np.int64), matrix.data[index]


def _counts(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    """How often each (row, col) pair occurs, as a CSR matrix of float32 counts."""
    matrix = sparse.coo_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape).tocsr()
    matrix.sum_duplicates()
    return matrix


def _remap_columns(matrix: sparse.csr_matrix, new_column: np.ndarray, n_columns: int) -> sparse.csr_matrix:
    """The matrix with column j moved to ``new_column[j]``, dropping columns mapped to -1."""
    coo = matrix.tocoo()
    cols = new_column[coo.col]
    keep = cols >= 0
    remapped = sparse.coo_matrix((coo.data[keep], (coo.row[keep], cols[keep])), shape=(matrix.shape[0], n_columns))
    return remapped.tocsr()


def _decode(key: int, n: int, n_codes: int) -> list[int]:
    """The token codes of a word n-gram's integer code."""
    codes = []
    for _ in range(n):
        key, code = divmod(key, n_codes)
        codes.append(code)
    return codes[::-1]
