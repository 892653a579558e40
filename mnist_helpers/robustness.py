"""The robustness probe: accuracy on shifted and rotated test digits.

Introduced in notebook 05 (the dense network), repeated in notebook 06 (the CNN).
"""

import keras
import numpy as np

SHIFTS = (0, 1, 2, 3, 4)  # pixels
ANGLES = (0, 5, 10, 15, 20)  # degrees


def transform(images, dx=0.0, dy=0.0, degrees=0.0):
    """Shift by (dx, dy) pixels and rotate by `degrees` about the centre, blank fill.

    Takes any array of 28x28 digits (flat 784 or 28x28x1) and returns the same shape.
    """
    angle = np.deg2rad(degrees)
    cos, sin, centre = np.cos(angle), np.sin(angle), 13.5
    # affine_transform maps each output pixel (x, y) to the input pixel (a0 x + a1 y + a2, b0 x + b1 y + b2)
    a2 = centre - cos * centre - sin * centre - dx
    b2 = centre + sin * centre - cos * centre - dy
    matrix = np.array([cos, sin, a2, -sin, cos, b2, 0, 0], dtype="float32")
    moved = keras.ops.image.affine_transform(
        np.asarray(images, "float32").reshape(-1, 28, 28, 1), np.tile(matrix, (len(images), 1)),
        interpolation="bilinear", fill_mode="constant",
    )
    return keras.ops.convert_to_numpy(moved).reshape(np.shape(images))


def accuracy(model, images, labels):
    return float(np.mean(model.predict(images, verbose=0).argmax(axis=1) == labels))


def probe(model, images, labels, shifts=SHIFTS, angles=ANGLES):
    """Accuracy for each shift (mean of the 4 directions) and each rotation (mean of both ways).

    `images` in the shape the model takes. Returns {"shift": [...], "rotation": [...]}.
    """
    unchanged = accuracy(model, images, labels)  # shift 0 and rotation 0, measured once
    directions = ((1, 0), (-1, 0), (0, 1), (0, -1))
    return {
        "shift": [float(np.mean([accuracy(model, transform(images, dx=s * ux, dy=s * uy), labels)
                                 for ux, uy in directions])) if s else unchanged for s in shifts],
        "rotation": [float(np.mean([accuracy(model, transform(images, degrees=sign * a), labels)
                                    for sign in (1, -1)])) if a else unchanged for a in angles],
    }
