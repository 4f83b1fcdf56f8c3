import numpy as np

from classifier.evaluation import evaluate, evaluate_probabilities, expected_calibration_error, plot_confusion_matrix


def test_perfectly_confident_and_correct_predictions_have_zero_ece():
    proba = np.eye(3)
    assert expected_calibration_error(proba, np.array([0, 1, 2])) == 0.0


def test_overconfident_predictions_have_large_ece():
    proba = np.array([[0.99, 0.01]] * 10)
    labels = np.array([0] * 5 + [1] * 5)
    assert abs(expected_calibration_error(proba, labels) - 0.49) < 1e-9


def test_report_counts_top2_hits_and_per_class_figures():
    classes = ["交通运输", "环境保护", "城乡建设"]
    proba = np.array([[0.6, 0.3, 0.1], [0.5, 0.4, 0.1], [0.2, 0.3, 0.5]])
    report = evaluate_probabilities(classes, proba, ["交通运输", "环境保护", "城乡建设"])
    assert report.accuracy == 2 / 3
    assert report.top2_accuracy == 1.0
    assert report.per_class["环境保护"]["recall"] == 0.0
    assert report.confusion_matrix[report.labels.index("环境保护")][report.labels.index("交通运输")] == 1


def test_label_unknown_to_the_model_counts_as_an_error():
    report = evaluate_probabilities(["甲", "乙"], np.array([[0.9, 0.1]]), ["丙"])
    assert report.accuracy == 0.0 and report.top2_accuracy == 0.0
    assert "丙" in report.labels


def test_confusion_matrix_is_written_as_png(trained_model, sample_test, tmp_path):
    report = evaluate(trained_model, [e.text for e in sample_test], [e.label for e in sample_test])
    path = plot_confusion_matrix(report, tmp_path / "cm.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sum(map(sum, report.confusion_matrix)) == len(sample_test)
