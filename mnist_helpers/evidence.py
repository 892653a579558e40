"""Comparing trainings over several seeds, as notebook 03 teaches it (notebook 04's ablation reuses it)."""

import numpy as np

# --- From notebooks/03_architecture.ipynb: edit it there, then run `python -m mnist_helpers.series.export` ---

def compare(design, reference):
    # "better", "worse" or "no clear difference", from the accuracies of several seeds each.
    gap = np.mean(design) - np.mean(reference)
    spread = max(np.ptp(design), np.ptp(reference))
    if abs(gap) <= spread:
        return "no clear difference"
    return "better" if gap > 0 else "worse"
