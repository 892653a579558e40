"""The metrics notebook 06 writes out (its own definitions, executed here on their own), each checked
on a case small enough to work out by hand."""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import notebook_functions

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06_error_analysis.ipynb"
LESSON = ("confusion_matrix", "errors_only", "per_class_report", "reliability", "expected_calibration_error",
          "accuracy_coverage")

# Three classes. True 0: predicted 0, 0, 1.  True 1: predicted 1, 2.  True 2: predicted 2, 2, 2, 0.
Y_TRUE = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
Y_PRED = np.array([0, 0, 1, 1, 2, 2, 2, 2, 0])
MATRIX = [[2, 1, 0], [0, 1, 1], [1, 0, 3]]


@pytest.fixture(scope="module")
def lesson():
    """The functions notebook 06 defines in its code cells, executed with only NumPy as `np`."""
    return notebook_functions(NOTEBOOK, LESSON, {"np": np})


def test_notebook_05_computes_its_lesson_itself():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for name in LESSON:
        assert f"mh.metrics.{name}" not in code, f"notebook 06 should use its own {name}, not a package's"
        assert f"{name}(" in code.replace(f"def {name}(", ""), f"notebook 06 defines {name} but never uses it"


def test_confusion_matrix_rows_are_truth_columns_are_predictions(lesson):
    assert lesson["confusion_matrix"](Y_TRUE, Y_PRED, num_classes=3).tolist() == MATRIX


def test_confusion_matrix_keeps_absent_classes(lesson):
    assert lesson["confusion_matrix"]([0, 0], [0, 0], num_classes=3).tolist() == [[2, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_errors_only(lesson):
    np.testing.assert_allclose(lesson["errors_only"](np.array(MATRIX)), [[0, 1 / 3, 0], [0, 0, 0.5], [0.25, 0, 0]])


def test_per_class_report(lesson):
    report = lesson["per_class_report"](np.array(MATRIX))
    # class 0: 2 right of 3 predicted 0 (precision 2/3) and of 3 true 0s (recall 2/3)
    # class 1: 1 right of 2 predicted, of 2 true;  class 2: 3 right of 4 predicted, of 4 true
    np.testing.assert_allclose(report["precision"], [2 / 3, 1 / 2, 3 / 4])
    np.testing.assert_allclose(report["recall"], [2 / 3, 1 / 2, 3 / 4])
    np.testing.assert_allclose(report["f1"], [2 / 3, 1 / 2, 3 / 4])
    assert report["support"].tolist() == [3, 2, 4]


def test_per_class_report_precision_differs_from_recall(lesson):
    with np.errstate(invalid="ignore"):  # no true 1s: the lesson's recall of 1 is 0 / 0
        report = lesson["per_class_report"](np.array([[3, 1], [0, 0]]))  # everything true is 0; once predicted 1
    np.testing.assert_allclose(report["precision"], [1.0, 0.0])
    assert report["recall"][0] == pytest.approx(0.75) and np.isnan(report["recall"][1]), "undefined, not 0"
    assert report["f1"][0] == pytest.approx(2 * 0.75 / 1.75)


def test_reliability_and_ece(lesson):
    confidence = np.array([0.95, 0.95, 0.95, 0.95, 0.55, 0.55])
    correct = np.array([1, 1, 1, 0, 1, 0])
    mean_confidence, accuracy, counts = lesson["reliability"](confidence, correct, bins=10)
    assert counts.tolist() == [0, 0, 0, 0, 0, 2, 0, 0, 0, 4]
    assert mean_confidence[9] == pytest.approx(0.95) and accuracy[9] == pytest.approx(0.75)
    assert mean_confidence[5] == pytest.approx(0.55) and accuracy[5] == pytest.approx(0.5)
    assert np.isnan(accuracy[0])
    # (4 * |0.75 - 0.95| + 2 * |0.5 - 0.55|) / 6
    ece = lesson["expected_calibration_error"](confidence, correct, bins=10)
    assert ece == pytest.approx((4 * 0.2 + 2 * 0.05) / 6)


def test_perfectly_calibrated_has_zero_ece_and_confidence_one_counts(lesson):
    confidence, correct = np.array([1.0, 1.0, 0.5, 0.5]), np.array([1, 1, 1, 0])
    _, _, counts = lesson["reliability"](confidence, correct, bins=4)
    ece = lesson["expected_calibration_error"](confidence, correct, bins=4)
    assert counts.tolist() == [0, 0, 2, 2]
    assert ece == pytest.approx(0.0)


def test_accuracy_coverage(lesson):
    # sorted by confidence: 0.99 right, 0.9 wrong, 0.8 right, 0.6 wrong
    coverage, accuracy, threshold = lesson["accuracy_coverage"](np.array([0.6, 0.9, 0.8, 0.99]),
                                                                np.array([0, 0, 1, 1]))
    np.testing.assert_allclose(coverage, [0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(accuracy, [1.0, 0.5, 2 / 3, 0.5])
    np.testing.assert_allclose(threshold, [0.99, 0.9, 0.8, 0.6])
