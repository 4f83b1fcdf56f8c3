import numpy as np

from classifier.calibration import TemperatureScaler
from classifier.evaluation import expected_calibration_error


def _sample_from(scores: np.ndarray, temperature: float, rng: np.random.Generator) -> np.ndarray:
    logits = scores * temperature
    proba = np.exp(logits - logits.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    return np.array([rng.choice(len(p), p=p) for p in proba])


def test_temperature_is_recovered_from_labels_drawn_at_that_temperature():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(4000, 5))
    labels = _sample_from(scores, 3.0, rng)
    scaler = TemperatureScaler().fit(scores, labels)
    assert abs(scaler.temperature_ - 3.0) < 0.3


def test_scaled_probabilities_are_calibrated_where_raw_softmax_is_not():
    rng = np.random.default_rng(1)
    scores = rng.normal(size=(4000, 4))
    labels = _sample_from(scores, 4.0, rng)
    raw = TemperatureScaler().fit(scores, labels)
    proba = raw.predict_proba(scores)
    uncalibrated = TemperatureScaler()
    uncalibrated.temperature_ = 1.0
    assert expected_calibration_error(proba, labels) < 0.03
    assert expected_calibration_error(uncalibrated.predict_proba(scores), labels) > 0.1


def test_probabilities_keep_the_ranking_and_sum_to_one():
    scores = np.array([[2.0, -1.0, 0.5], [0.1, 0.3, -0.2]])
    scaler = TemperatureScaler()
    scaler.temperature_ = 2.5
    proba = scaler.predict_proba(scores)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert (proba.argmax(axis=1) == scores.argmax(axis=1)).all()
