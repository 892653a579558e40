"""Notebook 08's sixteen-line recipe, `simple_to_mnist`, taken from the notebook itself: a blank image gets a
ValueError that says what to do, not NumPy's error from deep inside the crop, and its own steps 4 and 5 (the
20-pixel box, the centre of mass) agree with the package's helpers. No kernel."""

import numpy as np
import pytest
from conftest import notebook_functions
from PIL import Image

import mnist_helpers as mh
from mnist_helpers.layout import NOTEBOOKS


def simple_to_mnist():
    notebook = next(NOTEBOOKS.glob("08_*.ipynb"))  # the learner's function, as written
    return notebook_functions(notebook, ["simple_to_mnist"], {"mh": mh, "np": np, "Image": Image})["simple_to_mnist"]


@pytest.mark.parametrize("paper", [0.0, 0.3, 1.0])
def test_a_blank_image_is_refused_with_what_to_do(paper):
    with pytest.raises(ValueError, match="^no ink found: photograph a dark digit on light paper"):
        simple_to_mnist()(np.full((60, 40), paper, dtype="float32"))


def test_a_sample_is_still_read():
    digit = simple_to_mnist()(NOTEBOOKS / "images" / "0-scan.png")
    assert digit.shape == (28, 28) and digit.max() == pytest.approx(1, abs=0.05)


@pytest.mark.parametrize("path", sorted((NOTEBOOKS / "images").glob("[0-9]-*.*")), ids=lambda path: path.name)
def test_steps_4_and_5_written_out_agree_with_the_package(path):
    digit = simple_to_mnist()(path)
    row, col = mh.handwriting.centre_of_mass(digit)
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5
    box = digit[np.ix_(np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0)))]
    expected = mh.handwriting.place_by_centre_of_mass(box)  # the package's step 5 on the same box
    np.testing.assert_allclose(digit, expected, atol=1e-6)
    assert max(box.shape) <= 20


SEVEN = np.zeros((28, 28), "float32")  # a blocky 7 (a bar, and a stem on its right), ink 0 to 1
SEVEN[6:9, 8:20], SEVEN[6:22, 16:19] = 1, 1


def test_the_package_copy_with_switches_is_the_notebooks_function():
    """mh.recipe_ablation.sixteen_lines, which 08 switches step by step, is simple_to_mnist when all is on."""
    from mnist_helpers import photos

    ours = simple_to_mnist()
    sources = sorted((NOTEBOOKS / "images").glob("[0-9]-*.*"))
    rng = np.random.default_rng(0)
    sources += [photos.photographed(SEVEN, condition, seed) for seed, condition in enumerate(["plain paper", "shadow"])]
    sources.append(rng.random((40, 30)).astype("float32"))
    for source in sources:
        np.testing.assert_array_equal(mh.recipe_ablation.sixteen_lines(source), ours(source))


def test_each_step_switched_off_changes_the_input_and_still_gives_28x28():
    photo = mh.photos.photographed(SEVEN, "shadow", 0)
    full = mh.recipe_ablation.sixteen_lines(photo)
    for step in mh.recipe_ablation.SWITCHED_OFF:
        digit = mh.recipe_ablation.sixteen_lines(photo, off=step)
        assert digit.shape == (28, 28) and digit.dtype == np.float32 and 0 <= digit.min() <= digit.max() <= 1
        assert not np.array_equal(digit, full), step
    with pytest.raises(ValueError, match="Unknown step"):
        mh.recipe_ablation.sixteen_lines(photo, off="widen")
    with pytest.raises(ValueError, match="^no ink found"):
        mh.recipe_ablation.sixteen_lines(np.full((60, 40), 0.3, "float32"), off="crop")
