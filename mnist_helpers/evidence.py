"""Comparing trainings over several seeds, as notebook 04 teaches it (notebook 05's ablation reuses it)."""

import numpy as np

# --- From notebooks/04_choosing_a_design.ipynb: edit it there, then run `python -m mnist_helpers.series.export` ---

def compare(design, reference):
    # "better", "worse" or "no clear difference", from the accuracies of several seeds each.
    gap = np.mean(design) - np.mean(reference)
    spread = max(np.ptp(design), np.ptp(reference))  # ptp, "peak to peak": highest minus lowest
    if abs(gap) <= spread:
        return "no clear difference"
    return "better" if gap > 0 else "worse"
