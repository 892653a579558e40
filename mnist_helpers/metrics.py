"""Classification metrics in plain NumPy, for the error analysis of notebook 05.

Each function is small enough to read in one go; the tests check each against a case
worked out by hand.
"""

import numpy as np


def confusion_matrix(y_true, y_pred, num_classes=10):
    """Counts: row = true class, column = predicted class."""
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


def row_normalise(matrix):
    """Each row divided by its total: the share of each true class predicted as each class."""
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0)


def errors_only(matrix):
    """Row-normalised, with the diagonal (the correct answers) set to zero."""
    shares = row_normalise(matrix)
    np.fill_diagonal(shares, 0)
    return shares


def per_class_report(matrix):
    """Precision, recall, F1 and support of each class, as arrays indexed by class."""
    correct = np.diag(matrix).astype(float)
    predicted = matrix.sum(axis=0)
    support = matrix.sum(axis=1)
    precision = np.divide(correct, predicted, out=np.zeros(len(correct)), where=predicted > 0)
    recall = np.divide(correct, support, out=np.zeros(len(correct)), where=support > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros(len(correct)), where=both > 0)
    return {"precision": precision, "recall": recall, "f1": f1, "support": support}


def most_confused_pairs(matrix, top=10):
    """The largest off-diagonal counts as (true, predicted, count), largest first."""
    off_diagonal = matrix.copy()
    np.fill_diagonal(off_diagonal, 0)
    order = np.argsort(off_diagonal, axis=None, kind="stable")[::-1][:top]
    pairs = [(int(t), int(p), int(off_diagonal[t, p])) for t, p in zip(*np.unravel_index(order, matrix.shape))]
    return [pair for pair in pairs if pair[2] > 0]


def reliability(confidence, correct, bins=10):
    """Calibration: per confidence bin, the mean confidence, the accuracy and the count.

    Returns (mean_confidence, accuracy, counts, ece). Bins are equal-width on [0, 1]; empty
    bins hold NaN. The expected calibration error (ECE) is the count-weighted mean gap
    between accuracy and confidence.
    """
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    index = np.clip((confidence * bins).astype(int), 0, bins - 1)  # confidence 1.0 goes in the top bin
    counts = np.bincount(index, minlength=bins)
    with np.errstate(invalid="ignore"):
        mean_confidence = np.bincount(index, weights=confidence, minlength=bins) / counts
        accuracy = np.bincount(index, weights=correct, minlength=bins) / counts
    filled = counts > 0
    ece = float(np.sum(counts[filled] * np.abs(accuracy[filled] - mean_confidence[filled])) / counts.sum())
    return mean_confidence, accuracy, counts, ece


def accuracy_coverage(confidence, correct):
    """If the model answers only when its confidence is at least t, what accuracy and coverage?

    Returns (coverage, accuracy, threshold) arrays, one entry per possible cut-off, from the
    single most confident answer (coverage 1/n) to all answers (coverage 1).
    """
    order = np.argsort(-np.asarray(confidence), kind="stable")
    answered = np.arange(1, len(order) + 1)
    coverage = answered / len(order)
    accuracy = np.cumsum(np.asarray(correct, dtype=float)[order]) / answered
    return coverage, accuracy, np.asarray(confidence)[order]
