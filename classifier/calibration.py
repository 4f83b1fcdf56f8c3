"""Temperature scaling: turns linear-model scores into probabilities that mean what they say.

A LinearSVC's one-vs-rest scores rank classes well but are not probabilities. A single
temperature T, fitted on out-of-fold scores by minimising log-loss, gives
``softmax(T * scores)``: it keeps the ranking (and so accuracy) and fixes over- or
under-confidence. On this data it gave lower calibration error than scikit-learn's
per-class sigmoid calibration (CalibratedClassifierCV), at one model's prediction cost.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator


class TemperatureScaler(BaseEstimator):
    """Fit ``temperature_`` on (scores, true class index); map scores to probabilities."""

    def __init__(self, bounds: tuple[float, float] = (-5.0, 5.0)) -> None:
        self.bounds = bounds

    def fit(self, scores: np.ndarray, y_index: np.ndarray) -> TemperatureScaler:
        rows = np.arange(len(y_index))

        def log_loss(log_t: float) -> float:
            return float(-log_softmax(scores * np.exp(log_t), axis=1)[rows, y_index].mean())

        result = minimize_scalar(log_loss, bounds=self.bounds, method="bounded")
        self.temperature_ = float(np.exp(result.x))
        return self

    def predict_proba(self, scores: np.ndarray) -> np.ndarray:
        return softmax(np.asarray(scores) * self.temperature_, axis=1)
