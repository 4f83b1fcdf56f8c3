"""Evaluation of a classifier on labelled messages: the figures a trainer compares models by."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

CJK_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "SimHei",
             "Microsoft YaHei")


@dataclass
class EvaluationReport:
    n: int
    accuracy: float
    macro_f1: float
    top2_accuracy: float
    ece: float
    labels: list[str]
    per_class: dict[str, dict[str, float]]
    confusion_matrix: list[list[int]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def expected_calibration_error(proba: np.ndarray, y_index: np.ndarray, bins: int = 10) -> float:
    """ECE with equal-width confidence bins: how far confidence is from accuracy, on average."""
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y_index
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            error += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(error)


def evaluate_probabilities(classes: Sequence[str], proba: np.ndarray, y_true: Sequence[str]) -> EvaluationReport:
    """All metrics from predicted probabilities; labels unknown to the model count as errors."""
    classes = np.asarray(classes)
    y_true = np.asarray(y_true)
    lookup = {c: i for i, c in enumerate(classes)}
    y_index = np.array([lookup.get(y, -1) for y in y_true])
    y_pred = classes[proba.argmax(axis=1)]
    top2 = np.argsort(-proba, axis=1)[:, :2]
    labels = sorted(set(classes) | set(y_true))
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return EvaluationReport(
        n=len(y_true),
        accuracy=float(accuracy_score(y_true, y_pred)),
        macro_f1=float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        top2_accuracy=float(np.mean([yi in row for yi, row in zip(y_index, top2, strict=True)])),
        ece=expected_calibration_error(proba, y_index),
        labels=labels,
        per_class={
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        confusion_matrix=confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    )


def evaluate(model: Any, texts: Sequence[str], y_true: Sequence[str]) -> EvaluationReport:
    return evaluate_probabilities(model.classes_, model.predict_proba(texts), y_true)


def plot_confusion_matrix(report: EvaluationReport, path: Path | str, title: str = "混淆矩阵 Confusion matrix") -> Path:
    """Write the confusion matrix as a PNG, with Chinese labels when a CJK font is installed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    font = next((name for name in CJK_FONTS if name in available), None)
    labels = report.labels if font else [f"C{i}" for i in range(len(report.labels))]
    matrix = np.asarray(report.confusion_matrix)
    with plt.rc_context({"font.sans-serif": [font] if font else ["DejaVu Sans"], "axes.unicode_minus": False}):
        size = max(6.0, 0.8 * len(labels) + 2)
        fig, ax = plt.subplots(figsize=(size, size * 0.85))
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("预测 Predicted" if font else "Predicted")
        ax.set_ylabel("真实 True" if font else "True")
        ax.set_title(title if font else "Confusion matrix")
        threshold = matrix.max() / 2 if matrix.size else 0
        for (row, col), value in np.ndenumerate(matrix):
            ax.text(col, row, str(value), ha="center", va="center", color="white" if value > threshold else "black")
        if not font:
            legend = "\n".join(f"C{i} = {name}" for i, name in enumerate(report.labels))
            fig.text(0.01, 0.01, legend, fontsize=7)
        fig.tight_layout()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return path
