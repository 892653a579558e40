"""The robustness probe of notebooks 05 and 06: where transform moves a digit, and what probe averages."""

import numpy as np
import pytest

from mnist_helpers.robustness import probe, transform


def dot(row, col):
    image = np.zeros((1, 28, 28, 1), "float32")
    image[0, row, col, 0] = 1.0
    return image


def ink_at(image):
    return tuple(int(i) for i in np.unravel_index(np.argmax(image.reshape(28, 28)), (28, 28)))


@pytest.mark.parametrize("dx, dy, expected", [(2, 0, (10, 7)), (-2, 0, (10, 3)), (0, 3, (13, 5)), (0, -3, (7, 5))])
def test_shifts_move_right_and_down_for_positive_values(dx, dy, expected):
    assert ink_at(transform(dot(10, 5), dx=dx, dy=dy)) == expected


def test_rotation_turns_about_the_centre():
    assert ink_at(transform(dot(10, 5), degrees=180)) == (17, 22)  # (27 - row, 27 - column)
    assert ink_at(transform(dot(10, 5), degrees=0)) == (10, 5)


def test_shape_is_kept_flat_or_as_images():
    flat = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    assert transform(flat, dx=1).shape == (3, 784)
    assert transform(flat.reshape(3, 28, 28, 1), degrees=5).shape == (3, 28, 28, 1)
    np.testing.assert_allclose(transform(flat), flat, atol=1e-6)


class LeftOrRight:
    """A stand-in model: class 1 if the ink is in the left half of the image, else class 0."""

    def predict(self, images, verbose=0):
        left = images.reshape(len(images), 28, 28)[:, :, :14].sum(axis=(1, 2)) > 0.5
        return np.stack([~left, left], axis=1).astype("float32")


def test_probe_averages_directions_and_leaves_zero_unchanged():
    images = dot(14, 13)  # just left of the middle: any shift to the right crosses over
    result = probe(LeftOrRight(), images, np.array([1]), shifts=(0, 1), angles=(0, 180))
    assert result["shift"] == [1.0, 0.75], "right, left, down, up: only the shift right is misread"
    assert result["rotation"] == [1.0, 0.0], "turned half way round, the dot is on the right"
