"""The complaint classifier (智能标签归类): first-level category with confidence and evidence.

Raw text → normalise and mask → jieba tokens → TF-IDF word 1-2-grams + char 1-3-grams →
LinearSVC → temperature-scaled probabilities. It follows scikit-learn's estimator API:
configure in the constructor, ``fit``, then ``predict`` / ``predict_proba``; ``analyse``
adds the top-k labels and the terms that drove each decision, for the operator to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from classifier.calibration import TemperatureScaler
from classifier.near_duplicates import near_duplicate_groups
from classifier.progress import Progress
from zhtext.normalize import normalize
from zhtext.privacy import mask_personal_data
from zhtext.segment import cached_segmenter, default_segmenter


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


def _tokens_for(texts: Sequence[str], user_words: tuple, stopwords: frozenset, max_chars: int,
                keep_function_words: bool = False) -> list[str]:
    segmenter = cached_segmenter(user_words, stopwords)
    cut = segmenter.cut if keep_function_words else segmenter.tokens
    return [" ".join(cut(mask_personal_data(normalize(t))[:max_chars])) for t in texts]


class ComplaintClassifier(ClassifierMixin, BaseEstimator):
    """Linear text classifier for Chinese hotline messages with calibrated probabilities.

    Calibration folds keep near-duplicates together (``duplicate_threshold``).
    ``keep_function_words`` keeps stop-words and punctuation: useless for the topic, but
    they carry the speech act (请问…吗？ is a question) that tells 咨询 from 投诉.
    ``max_chars`` bounds work on pathological inputs; ``n_jobs`` parallelises
    cross-validation during ``fit`` and large batches (over ``batch_size``) when predicting.
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

    def tokenize(self, texts: Sequence[str]) -> list[str]:
        """Space-joined content tokens, in the form the vectorizers were fitted on."""
        check_is_fitted(self, "stopwords_")
        chunks = self._chunks(texts)
        if len(chunks) > 1 and self.n_jobs != 1:
            parts = Parallel(n_jobs=self.n_jobs)(
                delayed(_tokens_for)(c, self.user_words_, self.stopwords_, self.max_chars, self.keep_function_words)
                for c in chunks
            )
            return [t for part in parts for t in part]
        return _tokens_for(texts, self.user_words_, self.stopwords_, self.max_chars, self.keep_function_words)

    def fit(self, X: Sequence[str], y: Sequence[str]) -> ComplaintClassifier:
        progress = Progress("训练 train", total_steps=4, enabled=self.verbose)
        segmenter = default_segmenter()
        self.user_words_ = segmenter.user_words
        self.stopwords_ = segmenter.stopwords
        y = np.asarray(y)

        with progress.step(f"分词 segmenting {len(X)} messages"):
            tokens = self.tokenize(X)
        with progress.step("特征 building word and character n-gram features"):
            self.vectorizer_ = self._make_vectorizer()
            features = self.vectorizer_.fit_transform(tokens)
            self.feature_names_ = self.vectorizer_.get_feature_names_out()
        with progress.step(f"校准 {self.calibration_folds}-fold out-of-fold scores for calibration"):
            groups = near_duplicate_groups(tokens, threshold=self.duplicate_threshold)
            folds = StratifiedGroupKFold(self.calibration_folds, shuffle=True, random_state=self.random_state)
            oof = cross_val_predict(
                self._make_svm(), features, y, groups=groups, cv=folds, method="decision_function", n_jobs=self.n_jobs
            )
        with progress.step("拟合 fitting the final model"):
            self.svm_ = self._make_svm().fit(features, y)
            self.classes_ = self.svm_.classes_
            self.calibrator_ = TemperatureScaler().fit(oof, np.searchsorted(self.classes_, y))
        oof_pred = self.classes_[oof.argmax(axis=1)]
        self.cv_metrics_ = {
            "cv_accuracy": float(accuracy_score(y, oof_pred)),
            "cv_macro_f1": float(f1_score(y, oof_pred, average="macro")),
            "temperature": self.calibrator_.temperature_,
        }
        return self

    def _make_vectorizer(self) -> FeatureUnion:
        common = {"sublinear_tf": True, "min_df": self.min_df, "dtype": np.float32}
        return FeatureUnion(
            [
                ("word", TfidfVectorizer(token_pattern=r"\S+", ngram_range=self.word_ngram_range, **common)),
                ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_ngram_range, **common)),
            ]
        )

    def _make_svm(self) -> LinearSVC:
        return LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)

    def _chunks(self, texts: Sequence[str]) -> list[Sequence[str]]:
        return [texts[i : i + self.batch_size] for i in range(0, len(texts), self.batch_size)] or [texts]

    def _features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Word and char features side by side, as FeatureUnion lays them out.

        Stacked here rather than with ``FeatureUnion.transform``, whose joblib dispatch
        costs more than the vectorizing itself when serving one ticket at a time.
        """
        check_is_fitted(self, "svm_")
        tokens = self.tokenize(list(texts))
        parts = [vectorizer.transform(tokens) for _, vectorizer in self.vectorizer_.transformer_list]
        return sparse.hstack(parts, format="csr")

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        return self.svm_.decision_function(self._features(X))

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return self.calibrator_.predict_proba(self.decision_function(X))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]

    def analyse(self, X: Sequence[str], top_k: int = 3, n_terms: int = 5) -> list[list[LabelScore]]:
        """Top-k labels per text, each with its probability and the terms behind it."""
        features = self._features(X)
        proba = self.calibrator_.predict_proba(self.svm_.decision_function(features))
        results = []
        for row_index, row_proba in enumerate(proba):
            row = features.getrow(row_index)
            ranked = np.argsort(-row_proba)[:top_k]
            results.append(
                [
                    LabelScore(
                        label=str(self.classes_[c]),
                        probability=float(row_proba[c]),
                        evidence=self._evidence(row, c, n_terms),
                    )
                    for c in ranked
                ]
            )
        return results

    def _evidence(self, row: sparse.csr_matrix, class_index: int, n_terms: int) -> list[Evidence]:
        """The readable features with the largest positive contribution to one class."""
        contributions = row.data * self.svm_.coef_[class_index, row.indices]
        chosen: list[Evidence] = []
        for position in np.argsort(-contributions):
            weight = float(contributions[position])
            if weight <= 0 or len(chosen) >= n_terms:
                break
            term = _readable_term(self.feature_names_[row.indices[position]])
            if term is None or any(term in e.term or e.term in term for e in chosen):
                continue
            chosen.append(Evidence(term=term, weight=round(weight, 4)))
        return chosen


def _readable_term(feature_name: str) -> str | None:
    """Turn ``word__物业 收费`` or ``char__物业`` into a term an operator can read, or None."""
    kind, _, value = feature_name.partition("__")
    value = value.strip()
    if kind == "word":
        return value.replace(" ", "") if len(value.replace(" ", "")) >= 2 else None
    if " " in value or len(value) < 2:
        return None
    return value
