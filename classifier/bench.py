"""Benchmark: train on TRAIN files, evaluate on TEST, measure latency, throughput and memory.

    python -m classifier.bench --train TRAIN [--train TRAIN2 ...] --test TEST [--json]

Prints one JSON object. Run on demand; no test asserts these figures. Latency is per ticket, one
at a time; ``stage_ms`` splits it into the pipeline's stages (normalise and mask, segment,
vectorise, predict), timed separately on the same tickets. ``load_avg`` is the machine's
one-minute load before and after, since figures from a busy machine are not comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from classifier.dataset import load_many
from classifier.evaluation import evaluate_probabilities
from classifier.model import ComplaintClassifier
from core.errors import UserFacingError, exit_with
from zhtext.document import Document
from zhtext.segment import cached_segmenter


def _percentiles(milliseconds: Sequence[float]) -> dict[str, float]:
    return {
        "mean": round(float(np.mean(milliseconds)), 3),
        "p50": round(float(np.percentile(milliseconds, 50)), 3),
        "p99": round(float(np.percentile(milliseconds, 99)), 3),
    }


def _timed(step: Callable, inputs: Sequence) -> tuple[list, list[float]]:
    outputs, milliseconds = [], []
    for item in inputs:
        t0 = time.perf_counter()
        outputs.append(step(item))
        milliseconds.append((time.perf_counter() - t0) * 1000)
    return outputs, milliseconds


def stage_timings(model: ComplaintClassifier, texts: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per-ticket time of each stage of ``predict_proba`` (the model's internals), one ticket at a time."""
    segmenter = cached_segmenter(model.user_words_, model.stopwords_)
    docs, normalise = _timed(lambda text: Document.from_text(text, segmenter, model.max_chars), texts)
    tokens, segment = _timed(lambda doc: doc.words if model.keep_function_words else doc.tokens, docs)
    counts, vectorise = _timed(lambda t: model.vectorizer_.count_parts([t]), tokens)
    _, predict = _timed(lambda p: model.calibrator_.predict_proba(model._scores_of_counts(p)), counts)
    return {
        "normalise_mask": _percentiles(normalise),
        "segment": _percentiles(segment),
        "vectorise": _percentiles(vectorise),
        "predict": _percentiles(predict),
    }


def measure(train_paths: Sequence[Path], test_path: Path, n_jobs: int, batch_repeat: int) -> dict:
    load_before = os.getloadavg()[0]
    train = load_many(train_paths)
    test = load_many([test_path])
    texts = [e.text for e in test]

    model = ComplaintClassifier(n_jobs=n_jobs, verbose=True)
    started = time.perf_counter()
    model.fit([e.text for e in train], [e.label for e in train])
    train_seconds = time.perf_counter() - started

    report = evaluate_probabilities(model.classes_, model.predict_proba(texts), [e.label for e in test])

    serial = ComplaintClassifier(**{**model.get_params(), "n_jobs": 1})
    serial.__dict__.update({k: v for k, v in model.__dict__.items() if k.endswith("_")})
    for text in texts[:20]:
        serial.predict_proba([text])
    _, latencies = _timed(lambda text: serial.predict_proba([text]), texts)
    stages = stage_timings(serial, texts)

    batch = texts * batch_repeat
    t0 = time.perf_counter()
    model.predict_proba(batch)
    batch_seconds = time.perf_counter() - t0

    return {
        "n_train": len(train),
        "n_test": len(test),
        "macro_f1": round(report.macro_f1, 4),
        "accuracy": round(report.accuracy, 4),
        "top2_accuracy": round(report.top2_accuracy, 4),
        "ece": round(report.ece, 4),
        "train_seconds": round(train_seconds, 1),
        "p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "p99_ms": round(float(np.percentile(latencies, 99)), 2),
        "stage_ms": stages,
        "batch_docs_per_s": round(len(batch) / batch_seconds, 1),
        "batch_jobs": n_jobs,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cv_macro_f1": round(model.cv_metrics_["cv_macro_f1"], 4),
        "per_class_f1": {k: round(v["f1"], 4) for k, v in report.per_class.items()},
        "load_avg": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classifier.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, action="append", required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2, help="processes for training and batch prediction")
    parser.add_argument("--batch-repeat", type=int, default=10,
                        help="times the test set is repeated for the batch figure")
    parser.add_argument("--json", action="store_true", help="print only the JSON object (progress goes to stderr)")
    args = parser.parse_args(argv)
    try:
        result = measure(args.train, args.test, args.jobs, args.batch_repeat)
    except UserFacingError as error:
        return exit_with(error)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
