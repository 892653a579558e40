"""Classification metrics in plain NumPy, introduced in notebook 05 (error analysis).

Notebook 05 writes the confusion matrix, the errors-only view, precision/recall/F1, the
reliability diagram with its calibration error and the accuracy-coverage curve out in its own
cells, where it explains them; these are the package's copies for other notebooks and scripts.
(The ranking of the most confused pairs and the robustness probe live in notebook 05 alone:
nothing else uses them.)
tests/test_metrics.py runs the notebook's definitions and these side by side on random data and
requires identical results, so the two cannot drift apart. The package's copies also guard the
edge cases the lesson leaves out (a class that is absent or never predicted gives 0, not NaN).
"""

import numpy as np


def confusion_matrix(y_true, y_pred, num_classes=10):
    """Counts: row = true class, column = predicted class (notebook 05)."""
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


def row_normalise(matrix):
    """Each row divided by its total: the share of each true class predicted as each class."""
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0)


def errors_only(matrix):
    """Row-normalised, with the diagonal (the correct answers) set to zero (notebook 05)."""
    shares = row_normalise(matrix)
    np.fill_diagonal(shares, 0)
    return shares


def per_class_report(matrix):
    """Precision, recall, F1 and support of each class, as arrays indexed by class (notebook 05)."""
    right = np.diag(matrix).astype(float)
    called = matrix.sum(axis=0)
    support = matrix.sum(axis=1)
    precision = np.divide(right, called, out=np.zeros(len(right)), where=called > 0)
    recall = np.divide(right, support, out=np.zeros(len(right)), where=support > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros(len(right)), where=both > 0)
    return {"precision": precision, "recall": recall, "f1": f1, "support": support}


def reliability(confidence, correct, bins=10):
    """Calibration: per confidence bin, the mean confidence, the accuracy and the count (notebook 05).

    Returns (mean_confidence, accuracy, counts, ece). Bins are equal-width on [0, 1]; empty
    bins hold NaN. The expected calibration error (ECE) is the count-weighted mean gap
    between accuracy and confidence.
    """
    confidence, correct = np.asarray(confidence), np.asarray(correct)
    which = np.minimum((confidence * bins).astype(int), bins - 1)  # confidence 1.0 goes in the top bin
    mean_confidence, accuracy = np.full(bins, np.nan), np.full(bins, np.nan)
    counts = np.bincount(which, minlength=bins)
    for b in np.flatnonzero(counts):  # the bins that hold digits
        mean_confidence[b] = confidence[which == b].mean()
        accuracy[b] = correct[which == b].mean()
    filled = counts > 0
    ece = float(np.sum(counts[filled] * np.abs(accuracy[filled] - mean_confidence[filled])) / counts.sum())
    return mean_confidence, accuracy, counts, ece


def accuracy_coverage(confidence, correct):
    """If the model answers only when its confidence is at least t, what accuracy and coverage? (notebook 05)

    Returns (coverage, accuracy, threshold) arrays, one entry per possible cut-off, from the
    single most confident answer (coverage 1/n) to all answers (coverage 1).
    """
    confidence = np.asarray(confidence)
    order = np.argsort(-confidence)
    answered = np.arange(1, len(order) + 1)
    accuracy = np.cumsum(np.asarray(correct)[order]) / answered
    return answered / len(order), accuracy, confidence[order]
