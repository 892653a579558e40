"""Comparing trainings over several seeds, as notebook 04 teaches it (notebook 05's ablation reuses it)."""

import numpy as np

# --- From notebooks/04_choosing_a_design.ipynb: edit it there, then run `python -m mnist_helpers.series.export` ---

def margin(design, reference):
    # by how many points the gap between the mean accuracies beats the larger spread (0 or less: within it)
    gap = abs(np.mean(design) - np.mean(reference))
    spread = max(np.ptp(design), np.ptp(reference))  # ptp, "peak to peak": highest minus lowest
    return 100 * (gap - spread)


def compare(design, reference):
    # "better", "worse" or "no clear difference", from the accuracies of several seeds each.
    if margin(design, reference) <= 0:
        return "no clear difference"
    return "better" if np.mean(design) > np.mean(reference) else "worse"
