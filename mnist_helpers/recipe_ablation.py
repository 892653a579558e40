"""Notebook 08's sixteen-line recipe (`simple_to_mnist`) with a switch per step, for its *Going further* ablation:
which of the sixteen lines' steps matter, measured by turning each off in turn."""

import numpy as np
from PIL import Image

from mnist_helpers.handwriting import centre_of_mass, read_grayscale


SWITCHED_OFF = {  # notebook 08's ablation: each of the sixteen lines' steps, and what stands in for it when off
    "polarity": "1 off: never inverted",
    "threshold": "2 off: all grey levels kept",
    "crop": "3 off: whole image boxed",
    "box": "4 off: squashed to 20×20",
    "centre": "5 off: box in the middle",
}


def sixteen_lines(source, off=None):
    """Notebook 08's sixteen lines (`simple_to_mnist`, the same code: tests/test_nb08_simple_recipe.py checks it)
    with one step switched off, `off` one of SWITCHED_OFF (None: all five on). What stands in for a step is the least
    the next step needs: 1 off, the grey levels are never inverted; 2 off, the ink is the grey levels themselves, paper
    and all; 3 off, the whole image goes into the box; 4 off, the crop is squashed to 20x20, its aspect not kept; 5 off,
    the box is pasted in the middle of the 28x28 field, not by its centre of mass. Returns 28x28 float32 in [0, 1]."""
    if off is not None and off not in SWITCHED_OFF:
        raise ValueError(f"Unknown step {off!r}: choose one of {', '.join(SWITCHED_OFF)}, or None.")
    gray = read_grayscale(source)
    if off != "polarity":
        gray = 1 - gray if np.median(gray) > 0.5 else gray
    if off == "threshold":
        ink = gray.copy()
    else:
        ink = np.clip(gray - np.median(gray), 0, None)
        ink[ink < ink.max() / 2] = 0
    if not ink.any():
        raise ValueError("no ink found: photograph a dark digit on light paper, filling most of the frame")
    if off != "crop":
        rows, cols = np.nonzero(ink)
        ink = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    ink = ink / ink.max()
    if off == "box":
        height, width = 20, 20
    else:
        height, width = (max(1, round(n * 20 / max(ink.shape))) for n in ink.shape)
    box = np.clip(np.asarray(Image.fromarray(ink).resize((width, height), Image.Resampling.LANCZOS)), 0, 1)
    if off == "centre":
        top, left = (28 - height) // 2, (28 - width) // 2
    else:
        row, col = centre_of_mass(box)
        top = min(max(round(14 - row), 0), 28 - height)
        left = min(max(round(14 - col), 0), 28 - width)
    digit = np.zeros((28, 28), "float32")
    digit[top:top + height, left:left + width] = box
    return digit
