"""The figure helpers notebook 01 added: labels that never cover each other, captions of a chosen size."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mnist_helpers.plots import CLASS_COLORS, overlapping_labels, place_labels, show_digits  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def crowded_axes():
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.scatter(np.random.default_rng(0).normal(size=(500, 2)).T[0], np.random.default_rng(1).normal(size=500), s=2)
    fig.tight_layout()
    return ax


def test_labels_at_the_same_spot_overlap_unless_placed():
    ax = crowded_axes()
    plain = [ax.text(0, 0, str(d), fontsize=15, bbox={"facecolor": "white"}) for d in range(3)]
    assert overlapping_labels(plain), "the check sees labels drawn on top of each other"
    for text in plain:
        text.remove()
    # ten labels crowded into a small corner of the data, two of them at exactly the same point
    positions = [(0.1 * d, 0.05 * (d % 3)) for d in range(9)] + [(0.0, 0.0)]
    labels = place_labels(ax, positions, [str(d) for d in range(10)], CLASS_COLORS, fontsize=15)
    assert [label.get_text() for label in labels] == [str(d) for d in range(10)]
    assert not overlapping_labels(labels)


def test_placed_labels_stay_inside_the_axes_and_keep_the_limits():
    ax = crowded_axes()
    limits = ax.get_xlim(), ax.get_ylim()
    labels = place_labels(ax, [(ax.get_xlim()[1], ax.get_ylim()[1])] * 3, ["a", "b", "c"], CLASS_COLORS[:3])
    assert (ax.get_xlim(), ax.get_ylim()) == limits
    frame = ax.get_window_extent(ax.figure.canvas.get_renderer())
    for label in labels:
        x, y = ax.transData.transform(label.get_position())
        assert frame.x0 <= x <= frame.x1 and frame.y0 <= y <= frame.y1


def test_show_digits_caption_size_is_a_choice_with_the_old_default():
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    old = show_digits(images, titles=["a", "b", "c"], n_cols=3)
    assert {ax.title.get_fontsize() for ax in old.axes[:3]} == {8}
    big = show_digits(images, titles=["a", "b", "c"], n_cols=3, fontsize=11)
    assert {ax.title.get_fontsize() for ax in big.axes[:3]} == {11}
