import numpy as np
from scipy.special import expit, logit, softmax

from classifier.calibration import TemperatureScaler, TopLabelScaler
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


def _labels_surer_in_the_middle_than_at_the_top(scores: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Labels whose top class is right with probability sigmoid(0.6 logit(conf) + 0.5), not conf."""
    proba = softmax(scores * 3.0, axis=1)
    top = proba.argmax(axis=1)
    right = rng.random(len(scores)) < expit(0.6 * logit(np.clip(proba.max(axis=1), 1e-6, 1 - 1e-6)) + 0.5)
    other = (top + rng.integers(1, scores.shape[1], len(scores))) % scores.shape[1]
    return np.where(right, top, other)


def test_top_label_map_fixes_a_shape_one_temperature_cannot():
    rng = np.random.default_rng(2)
    scores = rng.normal(size=(6000, 5))
    labels = _labels_surer_in_the_middle_than_at_the_top(scores, rng)
    fit, held_out = slice(0, 3000), slice(3000, None)
    temperature = TemperatureScaler().fit(scores[fit], labels[fit])
    top_label = TopLabelScaler().fit(scores[fit], labels[fit])
    ece_top_label = expected_calibration_error(top_label.predict_proba(scores[held_out]), labels[held_out])
    assert ece_top_label < 0.03
    assert ece_top_label < expected_calibration_error(temperature.predict_proba(scores[held_out]), labels[held_out])


def test_top_label_map_keeps_the_ranking_and_sums_to_one():
    rng = np.random.default_rng(3)
    scores = rng.normal(size=(500, 4))
    scaler = TopLabelScaler().fit(scores, _labels_surer_in_the_middle_than_at_the_top(scores, rng))
    proba = scaler.predict_proba(np.vstack([scores, [[0.0, 0.0, 0.0, 0.0], [9.0, -9.0, 0.0, 0.1]]]))
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert (proba.argmax(axis=1)[:-2] == scores.argmax(axis=1)).all()
    assert (proba >= 0).all()
