"""Nested cross-validation of the classifier's serving model and calibration, on training files only.

    python -m classifier.experiment --train TRAIN [--train TRAIN2 ...] [--repeats 2] [--json]

Why: the calibrator is fitted on out-of-fold scores of models trained on (k-1)/k of the data,
but the model served was trained on all of it, and is surer than they are. Which serving model
and which score→probability map to use is chosen here, never on the frozen test split: outer
folds (near-duplicates kept together) hold out part of the training data; on the rest each
variant is built exactly as ``ComplaintClassifier.fit`` would build it (inner folds, calibrator,
serving model) and then scored on the held-out part. Rows from a raw-text file (not re-joined
tokens) are reported separately too: they look like what the service receives.

Serving models: ``full`` (one SVM on all the data), ``average`` (the mean of the inner fold
SVMs' weights and intercepts: one linear model of the same kind as those the calibrator saw),
``shrunk`` (one SVM with C × (k-1)/k, the fold models' regularisation per example), ``holdout``
(the first inner fold's model, calibrated on its own held-out fold only).
Maps: ``temperature``, ``top_label`` (temperature + Platt map of the top label, in service
before), ``top_isotonic`` (temperature + isotonic map of the top label), ``platt_ovr``
(per-class sigmoids, normalised), ``matrix`` (multinomial logistic regression on the scores,
a Dirichlet-style map).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, log_loss
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.svm import LinearSVC

from classifier.calibration import TemperatureScaler, TopLabelScaler, _softmax
from classifier.dataset import load_examples
from classifier.evaluation import expected_calibration_error
from classifier.features import NgramTfidf
from classifier.model import ComplaintClassifier, _token_lists
from classifier.near_duplicates import near_duplicate_groups
from zhtext.segment import default_segmenter


class TopIsotonicScaler(BaseEstimator):
    """Temperature, then an isotonic map of the top label's confidence (the rest rescaled)."""

    def fit(self, scores: np.ndarray, y_index: np.ndarray) -> TopIsotonicScaler:
        self.temperature_ = TemperatureScaler().fit(scores, y_index).temperature_
        proba = _softmax(scores * self.temperature_)
        self.iso_ = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
            proba.max(axis=1), proba.argmax(axis=1) == y_index)
        return self

    def predict_proba(self, scores: np.ndarray) -> np.ndarray:
        proba = _softmax(scores * self.temperature_)
        rows, top_index = np.arange(len(proba)), proba.argmax(axis=1)
        top = proba[rows, top_index]
        second = np.sort(proba, axis=1)[:, -2]
        confidence = np.maximum(self.iso_.predict(top), second / (1 - top + second + 1e-12))
        proba *= ((1 - confidence) / np.maximum(1 - top, 1e-12))[:, np.newaxis]
        proba[rows, top_index] = confidence
        return proba


class OneVsRestPlatt(BaseEstimator):
    """A sigmoid per class of that class's score, normalised to sum to one."""

    def fit(self, scores: np.ndarray, y_index: np.ndarray) -> OneVsRestPlatt:
        self.models_ = [LogisticRegression(C=100.0).fit(scores[:, [c]], y_index == c) for c in range(scores.shape[1])]
        return self

    def predict_proba(self, scores: np.ndarray) -> np.ndarray:
        proba = np.column_stack([expit(m.decision_function(scores[:, [c]])) for c, m in enumerate(self.models_)])
        return proba / proba.sum(axis=1, keepdims=True)


class MatrixScaler(BaseEstimator):
    """Multinomial logistic regression on the scores (matrix scaling, L2-regularised)."""

    def fit(self, scores: np.ndarray, y_index: np.ndarray) -> MatrixScaler:
        self.model_ = LogisticRegression(C=1.0, max_iter=1000).fit(scores, y_index)
        return self

    def predict_proba(self, scores: np.ndarray) -> np.ndarray:
        return self.model_.predict_proba(scores)


MAPS = {
    "temperature": TemperatureScaler,
    "top_label": TopLabelScaler,
    "top_isotonic": TopIsotonicScaler,
    "platt_ovr": OneVsRestPlatt,
    "matrix": MatrixScaler,
}


def _fit_svm(features, y, C: float, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    svm = LinearSVC(C=C, class_weight="balanced", random_state=random_state).fit(features, y)
    return svm.coef_, svm.intercept_


def _outer_fold(tokens, y_index, groups, is_raw, train, test, params: dict, n_jobs: int) -> dict[str, np.ndarray]:
    """Held-out probabilities of every (serving model, map) variant built on ``train``."""
    vectorizer = NgramTfidf(params["word_ngram_range"], params["char_ngram_range"], params["min_df"])
    x_train = vectorizer.fit_transform([tokens[i] for i in train])
    x_test = vectorizer.transform([tokens[i] for i in test])
    y_train = y_index[train]
    k, C, seed = params["calibration_folds"], params["C"], params["random_state"]
    inner = list(StratifiedGroupKFold(k, shuffle=True, random_state=seed).split(x_train, y_train, groups[train]))
    jobs = [(x_train[fit], y_train[fit], C) for fit, _ in inner]
    jobs += [(x_train, y_train, C), (x_train, y_train, C * (k - 1) / k)]
    fitted = Parallel(n_jobs=n_jobs)(delayed(_fit_svm)(x, yy, c, seed) for x, yy, c in jobs)
    oof = np.zeros((len(train), len(fitted[0][1])))
    for (_, held), (coef, intercept) in zip(inner, fitted[:k], strict=True):
        oof[held] = x_train[held] @ coef.T + intercept
    average = (np.mean([c for c, _ in fitted[:k]], axis=0), np.mean([b for _, b in fitted[:k]], axis=0))
    serving = {"full": fitted[k], "shrunk": fitted[k + 1], "average": average}
    out: dict[str, np.ndarray] = {}
    for name, (coef, intercept) in serving.items():
        scores = x_test @ coef.T + intercept
        for map_name, make in MAPS.items():
            out[f"{name}+{map_name}"] = make().fit(oof, y_train).predict_proba(scores)
    raw = is_raw[train]
    scores = x_test @ average[0].T + average[1]
    out["average+top_label@raw"] = TopLabelScaler().fit(oof[raw], y_train[raw]).predict_proba(scores)
    held = inner[0][1]
    coef, intercept = fitted[0]
    scores = x_test @ coef.T + intercept
    for map_name in ("temperature", "top_label"):
        out[f"holdout+{map_name}"] = MAPS[map_name]().fit(oof[held], y_train[held]).predict_proba(scores)
    return out


def _metrics(proba: np.ndarray, y_index: np.ndarray, n_classes: int) -> dict[str, float]:
    pred = proba.argmax(axis=1)
    return {
        "macro_f1": float(f1_score(y_index, pred, average="macro")),
        "accuracy": float(np.mean(pred == y_index)),
        "confidence": float(proba.max(axis=1).mean()),
        "ece": expected_calibration_error(proba, y_index),
        "log_loss": float(log_loss(y_index, np.clip(proba, 1e-12, 1), labels=range(n_classes))),
    }


def run(train_paths: Sequence[Path], repeats: int, n_jobs: int, first_seed: int = 100) -> dict:
    examples, is_raw = [], []
    for path in train_paths:
        loaded = load_examples(path)
        examples += loaded
        is_raw += [not _is_pretokenized(path)] * len(loaded)
    is_raw = np.array(is_raw)
    params = ComplaintClassifier().get_params()
    segmenter = default_segmenter()
    tokens = _token_lists([e.text for e in examples], segmenter, params["max_chars"], params["keep_function_words"])
    classes, y_index = np.unique([e.label for e in examples], return_inverse=True)
    groups = near_duplicate_groups([" ".join(t) for t in tokens], threshold=params["duplicate_threshold"])
    results: dict[str, list[dict]] = {}
    for repeat in range(repeats):
        outer = StratifiedGroupKFold(5, shuffle=True, random_state=first_seed + repeat)
        pooled: dict[str, np.ndarray] = {}
        for number, (train, test) in enumerate(outer.split(tokens, y_index, groups), start=1):
            started = time.perf_counter()
            for name, proba in _outer_fold(tokens, y_index, groups, is_raw, train, test, params, n_jobs).items():
                pooled.setdefault(name, np.zeros((len(examples), len(classes))))[test] = proba
            print(f"repeat {repeat + 1} fold {number}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
        for name, proba in pooled.items():
            results.setdefault(name, []).append({
                "all": _metrics(proba, y_index, len(classes)),
                "raw": _metrics(proba[is_raw], y_index[is_raw], len(classes)),
            })
    return {"n": len(examples), "n_raw": int(is_raw.sum()), "repeats": repeats, "variants": _summarise(results)}


def _summarise(results: dict[str, list[dict]]) -> dict[str, dict]:
    """Mean over repeats, with the spread (max - min) that says how much is noise."""
    summary = {}
    for name, runs in results.items():
        summary[name] = {
            part: {
                metric: {"mean": round(float(np.mean(v := [r[part][metric] for r in runs])), 4),
                         "spread": round(float(np.ptp(v)), 4), "runs": [round(x, 4) for x in v]}
                for metric in runs[0][part]
            }
            for part in ("all", "raw")
        }
    return summary


def _is_pretokenized(path: Path) -> bool:
    with Path(path).open(encoding="utf-8-sig") as handle:
        return "text_tokens" in handle.readline()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classifier.experiment", description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, action="append", required=True)
    parser.add_argument("--repeats", type=int, default=2, help="outer 5-fold splits, each with its own shuffle")
    parser.add_argument("--seed", type=int, default=100, help="shuffle of the first outer split (then +1 each)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the JSON result instead of a table")
    args = parser.parse_args(argv)
    result = run(args.train, args.repeats, args.jobs, args.seed)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{'variant':26} {'F1 all':>7} {'ECE all':>8} {'conf-acc':>9} {'F1 raw':>7} {'ECE raw':>8} {'conf-acc':>9}")
    for name, figures in result["variants"].items():
        cells = []
        for part in ("all", "raw"):
            f = figures[part]
            gap = f["confidence"]["mean"] - f["accuracy"]["mean"]
            cells += [f"{f['macro_f1']['mean']:7.4f}", f"{f['ece']['mean']:8.4f}", f"{gap:+9.4f}"]
        print(f"{name:26} {' '.join(cells)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
