"""The metrics of notebook 05, each checked on a case small enough to work out by hand, and the
notebook's own definitions checked against the package's copies."""

import ast
import json
from pathlib import Path

import numpy as np
import pytest

from mnist_helpers.metrics import (
    accuracy_coverage,
    confusion_matrix,
    errors_only,
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


# --- The lesson's own definitions (notebook 05's cells) give the package's results ------------
# Notebook 05 writes these metrics out where it explains them; the package keeps copies. The
# notebook's function definitions are executed here on their own and compared with the package
# on random data, so neither copy can change without this test noticing.

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_error_analysis.ipynb"
LESSON = ("confusion_matrix", "errors_only", "per_class_report", "reliability", "accuracy_coverage")


@pytest.fixture(scope="module")
def lesson():
    """The functions notebook 05 defines in its code cells, executed with only NumPy as `np`."""
    definitions = {}
    for cell in json.loads(NOTEBOOK.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.parse("".join(cell["source"])).body:
            if isinstance(node, ast.FunctionDef) and node.name in LESSON:
                assert node.name not in definitions, f"notebook 05 defines {node.name} twice"
                definitions[node.name] = node
    assert sorted(definitions) == sorted(LESSON), f"notebook 05 no longer defines {set(LESSON) - set(definitions)}"
    namespace = {"np": np}
    exec(compile(ast.Module(body=list(definitions.values()), type_ignores=[]), str(NOTEBOOK), "exec"), namespace)
    return namespace


def test_notebook_05_computes_its_lesson_itself():
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for name in LESSON:
        assert f"mh.metrics.{name}" not in code, f"notebook 05 should use its own {name}, not the package's"
        assert f"{name}(" in code.replace(f"def {name}(", ""), f"notebook 05 defines {name} but never uses it"


def random_predictions(seed, n=3000):
    """Labels, predictions right about 90 % of the time, confidences (float32 and some exactly 1.0)."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 10, n)
    y_pred = np.where(rng.random(n) < 0.9, y_true, rng.integers(0, 10, n))
    confidence = rng.uniform(0.1, 1.0, n).astype("float32")
    confidence[rng.random(n) < 0.2] = 1.0
    return y_true, y_pred, confidence, y_pred == y_true


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_notebook_and_package_metrics_are_identical(lesson, seed):
    y_true, y_pred, confidence, correct = random_predictions(seed)
    matrix = lesson["confusion_matrix"](y_true, y_pred)
    np.testing.assert_array_equal(matrix, confusion_matrix(y_true, y_pred))
    np.testing.assert_array_equal(lesson["errors_only"](matrix), errors_only(matrix))
    ours, theirs = lesson["per_class_report"](matrix), per_class_report(matrix)
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)
    for bins in (5, 10, 50):
        for a, b in zip(lesson["reliability"](confidence, correct, bins), reliability(confidence, correct, bins)):
            np.testing.assert_array_equal(a, b)
    for a, b in zip(lesson["accuracy_coverage"](confidence, correct), accuracy_coverage(confidence, correct)):
        np.testing.assert_array_equal(a, b)


def test_notebook_metrics_match_the_hand_worked_case(lesson):
    assert lesson["confusion_matrix"](Y_TRUE, Y_PRED, num_classes=3).tolist() == MATRIX
    np.testing.assert_allclose(lesson["per_class_report"](np.array(MATRIX))["precision"], [2 / 3, 1 / 2, 3 / 4])
