"""The complaint classifier (智能标签归类): first-level category with confidence and evidence.

Raw text → ``zhtext.Document`` (normalised, masked, cut once) → TF-IDF word 1-2-grams + char
1-3-grams of its tokens (``NgramTfidf``, one counting pass) → linear scores (the average of the
calibration folds' LinearSVCs) → calibrated probabilities (temperature, then a map of the top
label's confidence, both fitted on those fold models' out-of-fold scores). It follows scikit-learn's
estimator API: configure in the constructor, ``fit``, then ``predict`` / ``predict_proba``;
``analyse`` adds the top-k labels and the terms that drove each decision, for the operator to
read. Every method takes plain strings or ``Document`` objects, so the stages of a work order's
pipeline can share one segmentation.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from classifier.calibration import TopLabelScaler
from classifier.features import NgramTfidf
from classifier.near_duplicates import near_duplicate_groups
from classifier.progress import Progress
from zhtext.document import Document
from zhtext.segment import Segmenter, cached_segmenter, default_segmenter

Text = str | Document
# Attributes derived from the fitted ones on first use and not saved with the model.
_MEMOS = ("_segmenter_memo", "_folded_weights_memo")


@dataclass(frozen=True)
class Evidence:
    """A term in the text and how much it pushed the score towards a label."""

    term: str
    weight: float


@dataclass(frozen=True)
class LabelScore:
    """One candidate label with its calibrated probability and evidence."""

    label: str
    probability: float
    evidence: list[Evidence] = field(default_factory=list)


def _as_document(text: Text, segmenter: Segmenter, max_chars: int) -> Document:
    """``text`` as a Document cut by ``segmenter``: a Document cut by another dictionary is cut again."""
    if isinstance(text, Document):
        if text.segmenter is segmenter and text.max_chars == max_chars:
            return text
        return Document(text.text, segmenter, max_chars)
    return Document.from_text(text, segmenter, max_chars)


def _token_lists(texts: Sequence[Text], segmenter: Segmenter, max_chars: int,
                 keep_function_words: bool) -> list[tuple[str, ...]]:
    docs = (_as_document(t, segmenter, max_chars) for t in texts)
    return [d.words for d in docs] if keep_function_words else [d.tokens for d in docs]


class ComplaintClassifier(ClassifierMixin, BaseEstimator):
    """Linear text classifier for Chinese hotline messages with calibrated probabilities.

    Calibration folds keep near-duplicates together (``duplicate_threshold``).
    ``keep_function_words`` keeps stop-words and punctuation: useless for the topic, but
    they carry the speech act (请问…吗？ is a question) that tells 咨询 from 投诉.
    ``max_chars`` bounds work on pathological inputs; ``n_jobs`` parallelises
    cross-validation during ``fit`` and, from the main thread, large batches (over
    ``batch_size``) when predicting.
    """

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (1, 3),
        min_df: int = 2,
        C: float = 0.5,
        class_weight: str | None = "balanced",
        calibration_folds: int = 5,
        duplicate_threshold: float = 0.8,
        max_chars: int = 1500,
        keep_function_words: bool = False,
        n_jobs: int = 1,
        batch_size: int = 1000,
        random_state: int = 0,
        verbose: bool = False,
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.duplicate_threshold = duplicate_threshold
        self.max_chars = max_chars
        self.keep_function_words = keep_function_words
        self.n_jobs = n_jobs
        self.batch_size = batch_size
        self.random_state = random_state
        self.verbose = verbose

    def tokenize(self, texts: Sequence[Text]) -> list[str]:
        """Space-joined tokens, in the form the features are computed from."""
        return [" ".join(tokens) for tokens in self._tokens(texts)]

    def fit(self, X: Sequence[Text], y: Sequence[str]) -> ComplaintClassifier:
        progress = Progress("训练 train", total_steps=4, enabled=self.verbose)
        for memo in _MEMOS:
            self.__dict__.pop(memo, None)
        segmenter = default_segmenter()
        self.user_words_ = segmenter.user_words
        self.stopwords_ = segmenter.stopwords
        y = np.asarray(y)

        with progress.step(f"分词 segmenting {len(X)} messages"):
            tokens = self._tokens(X)
        with progress.step("特征 building word and character n-gram features"):
            self.vectorizer_ = NgramTfidf(self.word_ngram_range, self.char_ngram_range, self.min_df)
            features = self.vectorizer_.fit_transform(tokens)
            self.feature_names_ = self.vectorizer_.get_feature_names_out()
        with progress.step(f"校准 {self.calibration_folds} fold models: out-of-fold scores, their average served"):
            splits = self._calibration_splits(tokens, y)
            svms = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_svm)(self._make_svm(), features, y, fit) for fit, _ in splits
            )
            self.classes_ = np.unique(y)
            folds = [_one_vs_rest(svm, self.classes_) for svm in svms]
            oof = np.zeros((len(y), len(self.classes_)))
            for (_, held), (coef, intercept) in zip(splits, folds, strict=True):
                oof[held] = features[held] @ coef.T + intercept
        with progress.step("拟合 averaging the fold models into the served one, fitting the calibrator"):
            # Served: the fold models' mean, one linear model as cheap as one SVM. A model refitted on
            # all the data is surer than the fold models whose scores the calibrator learns from, so
            # its probabilities were too high; the mean scores like the fold models do.
            self.svm_ = svms[0]
            self.svm_.classes_ = self.classes_
            self.svm_.coef_ = np.mean([coef for coef, _ in folds], axis=0)
            self.svm_.intercept_ = np.mean([intercept for _, intercept in folds], axis=0)
            # Scores as one product with the coefficients, feature-major so a ticket's rows are gathered at once.
            self.weights_ = np.ascontiguousarray(self.svm_.coef_.T)
            self.intercept_ = self.svm_.intercept_
            self.calibrator_ = TopLabelScaler().fit(oof, np.searchsorted(self.classes_, y))
        oof_pred = self.classes_[oof.argmax(axis=1)]
        self.cv_metrics_ = {
            "cv_accuracy": float(accuracy_score(y, oof_pred)),
            "cv_macro_f1": float(f1_score(y, oof_pred, average="macro")),
            "temperature": self.calibrator_.temperature_,
        }
        return self

    def _calibration_splits(self, tokens: Sequence[Sequence[str]], y: np.ndarray) -> list[tuple[np.ndarray, ...]]:
        """The (fit, held-out) index pairs of the fold models, near-duplicates always on one side."""
        groups = near_duplicate_groups([" ".join(t) for t in tokens], threshold=self.duplicate_threshold)
        folds = StratifiedGroupKFold(self.calibration_folds, shuffle=True, random_state=self.random_state)
        return list(folds.split(np.zeros(len(y)), y, groups))

    def _make_svm(self) -> LinearSVC:
        return LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)

    def _tokens(self, texts: Sequence[Text]) -> list[tuple[str, ...]]:
        """The token lists the features are computed from."""
        return _token_lists(texts, self._segmenter(), self.max_chars, self.keep_function_words)

    def _segmenter(self) -> Segmenter:
        """The segmenter with the training dictionary, remembered on the model (looking it up hashes the dictionary)."""
        segmenter = self.__dict__.get("_segmenter_memo")
        if segmenter is None:
            check_is_fitted(self, "stopwords_")
            segmenter = self.__dict__["_segmenter_memo"] = cached_segmenter(self.user_words_, self.stopwords_)
        return segmenter

    def _features(self, texts: Sequence[Text]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR parts (indptr, columns, values) of the texts' features."""
        check_is_fitted(self, "weights_")
        return self.vectorizer_.transform_parts(self._tokens(texts))

    def _scores(self, indptr: np.ndarray, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The SVM's decision scores, without its input checks: one ticket by a gather, a batch by a product."""
        if len(indptr) == 2:
            return (values @ self.weights_[columns] + self.intercept_)[np.newaxis, :]
        features = sparse.csr_matrix((values, columns, indptr), shape=(len(indptr) - 1, len(self.weights_)))
        return features @ self.weights_ + self.intercept_

    def _scores_of_counts(self, parts: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
        """The SVM's decision scores from term counts (see ``NgramTfidf.linear_scores``)."""
        return self.vectorizer_.linear_scores(parts, self._folded_weights()) + self.intercept_

    def _folded_weights(self) -> np.ndarray:
        """The SVM's weights with the idf folded in, remembered on the model."""
        folded = self.__dict__.get("_folded_weights_memo")
        if folded is None:
            check_is_fitted(self, "weights_")
            folded = self.__dict__["_folded_weights_memo"] = self.vectorizer_.fold(self.weights_)
        return folded

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())
        for memo in _MEMOS:  # derived from the fitted state, made again on first use
            state.pop(memo, None)
        return state

    def decision_function(self, X: Sequence[Text]) -> np.ndarray:
        if len(X) <= self.batch_size or self.n_jobs == 1 or not _can_fork():
            return self._scores_of_counts(self.vectorizer_.count_parts(self._tokens(X)))
        return _forked_scores(self, X)

    def predict_proba(self, X: Sequence[Text]) -> np.ndarray:
        return self.calibrator_.predict_proba(self.decision_function(X))

    def predict(self, X: Sequence[Text]) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]

    def analyse(self, X: Sequence[Text], top_k: int = 3, n_terms: int = 5) -> list[list[LabelScore]]:
        """Top-k labels per text, each with its probability and the terms behind it."""
        indptr, columns, values = self._features(X)
        proba = self.calibrator_.predict_proba(self._scores(indptr, columns, values))
        results = []
        for row_index, row_proba in enumerate(proba):
            row = slice(indptr[row_index], indptr[row_index + 1])
            ranked = np.argsort(-row_proba)[:top_k]
            results.append(
                [
                    LabelScore(
                        label=str(self.classes_[c]),
                        probability=float(row_proba[c]),
                        evidence=self._evidence(columns[row], values[row], c, n_terms),
                    )
                    for c in ranked
                ]
            )
        return results

    def _evidence(self, columns: np.ndarray, values: np.ndarray, class_index: int, n_terms: int) -> list[Evidence]:
        """The readable features with the largest positive contribution to one class."""
        contributions = values * self.weights_[columns, class_index]
        chosen: list[Evidence] = []
        for position in np.argsort(-contributions):
            weight = float(contributions[position])
            if weight <= 0 or len(chosen) >= n_terms:
                break
            term = _readable_term(self.feature_names_[columns[position]])
            if term is None or any(term in e.term or e.term in term for e in chosen):
                continue
            chosen.append(Evidence(term=term, weight=round(weight, 4)))
        return chosen


# The model and texts of a batch being scored by forked processes, which inherit them instead of unpickling.
_SHARED: tuple[ComplaintClassifier, Sequence[Text]] | None = None


def _can_fork() -> bool:
    """Forking is safe only from the main thread: another thread could hold a lock the copy would need."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.current_thread() is threading.main_thread()


def _forked_scores(model: ComplaintClassifier, texts: Sequence[Text]) -> np.ndarray:
    """Scores of a large batch, one share per process, text to scores.

    The processes are forked, so they share the fitted model (and its warm memos) with this one:
    only the shares' bounds go out and their scores come back. Shipping the model to joblib's
    workers instead cost more than the batch's segmentation.
    """
    global _SHARED
    n_processes = effective_n_jobs(model.n_jobs)
    cuts = np.linspace(0, len(texts), n_processes + 1).astype(int)
    model._segmenter(), model._folded_weights()  # made once here rather than in every copy
    _SHARED = (model, texts)
    gc.freeze()  # the copies' garbage collector would otherwise touch, and so copy, every inherited object
    try:
        with multiprocessing.get_context("fork").Pool(n_processes) as pool:
            parts = pool.map(_share_scores, list(zip(cuts[:-1], cuts[1:], strict=True)))
    finally:
        gc.unfreeze()
        _SHARED = None
    return np.vstack(parts)


def _share_scores(bounds: tuple[int, int]) -> np.ndarray:
    model, texts = _SHARED
    return model._scores_of_counts(model.vectorizer_.count_parts(model._tokens(texts[bounds[0] : bounds[1]])))


def _one_vs_rest(svm: LinearSVC, classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A fold model's weights and intercepts, one row per class of the whole data.

    A class the fold never saw (a small class all in the held-out part, as in the work-order type
    data) gets what a one-vs-rest SVM without positives learns: no weights, intercept -1.
    """
    coef, intercept = svm.coef_, svm.intercept_
    if len(svm.classes_) == 2:  # liblinear keeps one row for two classes: the second's score, the first's negated
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    rows = np.searchsorted(classes, svm.classes_)
    full_coef = np.zeros((len(classes), coef.shape[1]))
    full_intercept = np.full(len(classes), -1.0)
    full_coef[rows], full_intercept[rows] = coef, intercept
    return full_coef, full_intercept


def _fit_svm(svm: LinearSVC, features: sparse.csr_matrix, y: np.ndarray, rows: np.ndarray) -> LinearSVC:
    """One fold model; the rows are taken in the worker, which shares the whole matrix with the others."""
    return svm.fit(features[rows], y[rows])


def _readable_term(feature_name: str) -> str | None:
    """Turn ``word__物业 收费`` or ``char__物业`` into a term an operator can read, or None."""
    kind, _, value = feature_name.partition("__")
    value = value.strip()
    if kind == "word":
        return value.replace(" ", "") if len(value.replace(" ", "")) >= 2 else None
    if " " in value or len(value) < 2:
        return None
    return value
