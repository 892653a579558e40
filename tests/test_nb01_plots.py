"""The figure helper notebook 01 added: captions of a chosen size."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mnist_helpers.plots import show_digits  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_show_digits_caption_size_is_a_choice_with_the_old_default():
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    old = show_digits(images, titles=["a", "b", "c"], n_cols=3)
    assert {ax.title.get_fontsize() for ax in old.axes[:3]} == {8}
    big = show_digits(images, titles=["a", "b", "c"], n_cols=3, fontsize=11)
    assert {ax.title.get_fontsize() for ax in big.axes[:3]} == {11}
