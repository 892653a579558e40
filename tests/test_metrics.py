"""The metrics of notebook 05, each checked on a case small enough to work out by hand."""

import numpy as np
import pytest

from mnist_helpers.metrics import (
    accuracy_coverage,
    confusion_matrix,
    errors_only,
    most_confused_pairs,
    per_class_report,
    reliability,
    row_normalise,
)

# Three classes. True 0: predicted 0, 0, 1.  True 1: predicted 1, 2.  True 2: predicted 2, 2, 2, 0.
Y_TRUE = [0, 0, 0, 1, 1, 2, 2, 2, 2]
Y_PRED = [0, 0, 1, 1, 2, 2, 2, 2, 0]
MATRIX = [[2, 1, 0], [0, 1, 1], [1, 0, 3]]


def test_confusion_matrix_rows_are_truth_columns_are_predictions():
    assert confusion_matrix(Y_TRUE, Y_PRED, num_classes=3).tolist() == MATRIX


def test_confusion_matrix_keeps_absent_classes():
    assert confusion_matrix([0, 0], [0, 0], num_classes=3).tolist() == [[2, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_row_normalise_and_errors_only():
    matrix = np.array(MATRIX)
    np.testing.assert_allclose(row_normalise(matrix), [[2 / 3, 1 / 3, 0], [0, 0.5, 0.5], [0.25, 0, 0.75]])
    np.testing.assert_allclose(errors_only(matrix), [[0, 1 / 3, 0], [0, 0, 0.5], [0.25, 0, 0]])
    empty_row = np.array([[1, 0], [0, 0]])
    np.testing.assert_allclose(row_normalise(empty_row), [[1, 0], [0, 0]])  # no division by zero


def test_per_class_report():
    report = per_class_report(np.array(MATRIX))
    # class 0: 2 right of 3 predicted 0 (precision 2/3) and of 3 true 0s (recall 2/3)
    # class 1: 1 right of 2 predicted, of 2 true;  class 2: 3 right of 4 predicted, of 4 true
    np.testing.assert_allclose(report["precision"], [2 / 3, 1 / 2, 3 / 4])
    np.testing.assert_allclose(report["recall"], [2 / 3, 1 / 2, 3 / 4])
    np.testing.assert_allclose(report["f1"], [2 / 3, 1 / 2, 3 / 4])
    assert report["support"].tolist() == [3, 2, 4]


def test_per_class_report_precision_differs_from_recall():
    report = per_class_report(np.array([[3, 1], [0, 0]]))  # everything true is 0; once predicted 1
    np.testing.assert_allclose(report["precision"], [1.0, 0.0])
    np.testing.assert_allclose(report["recall"], [0.75, 0.0])
    np.testing.assert_allclose(report["f1"], [2 * 0.75 / 1.75, 0.0])


def test_most_confused_pairs():
    matrix = np.array([[50, 4, 0], [1, 40, 7], [4, 0, 30]])
    assert most_confused_pairs(matrix, top=3) == [(1, 2, 7), (2, 0, 4), (0, 1, 4)]
    assert most_confused_pairs(np.eye(3, dtype=int)) == [], "no errors, no pairs"


def test_reliability_and_ece():
    confidence = [0.95, 0.95, 0.95, 0.95, 0.55, 0.55]
    correct = [1, 1, 1, 0, 1, 0]
    mean_confidence, accuracy, counts, ece = reliability(confidence, correct, bins=10)
    assert counts.tolist() == [0, 0, 0, 0, 0, 2, 0, 0, 0, 4]
    assert mean_confidence[9] == pytest.approx(0.95) and accuracy[9] == pytest.approx(0.75)
    assert mean_confidence[5] == pytest.approx(0.55) and accuracy[5] == pytest.approx(0.5)
    assert np.isnan(accuracy[0])
    # (4 * |0.75 - 0.95| + 2 * |0.5 - 0.55|) / 6
    assert ece == pytest.approx((4 * 0.2 + 2 * 0.05) / 6)


def test_perfectly_calibrated_has_zero_ece_and_confidence_one_counts():
    _, _, counts, ece = reliability([1.0, 1.0, 0.5, 0.5], [1, 1, 1, 0], bins=4)
    assert counts.tolist() == [0, 0, 2, 2]
    assert ece == pytest.approx(0.0)


def test_accuracy_coverage():
    # sorted by confidence: 0.99 right, 0.9 wrong, 0.8 right, 0.6 wrong
    coverage, accuracy, threshold = accuracy_coverage([0.6, 0.9, 0.8, 0.99], [0, 0, 1, 1])
    np.testing.assert_allclose(coverage, [0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(accuracy, [1.0, 0.5, 2 / 3, 0.5])
    np.testing.assert_allclose(threshold, [0.99, 0.9, 0.8, 0.6])
