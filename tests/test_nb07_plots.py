"""Notebook 07's figure helpers stay readable on a projector (1024x768) and show every run."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mnist_helpers import plots  # noqa: E402


def test_digit_gallery_captions_are_at_least_9_points_and_fit_a_projector():
    images = np.zeros((16, 28, 28), dtype="float32")
    fig = plots.digit_gallery(images, [f"{i}: MLP 7" for i in range(16)], title="a gallery")
    try:
        captions = [ax.title for ax in fig.axes if ax.get_title()]
        assert len(captions) == 16
        assert min(caption.get_fontsize() for caption in captions) >= 9
        width, _ = fig.get_size_inches() * fig.dpi
        assert width <= 1024, "a row of eight fits a 1024-pixel-wide screen"
    finally:
        plt.close(fig)


def test_plot_seed_runs_draws_every_run_and_a_mean_per_group():
    groups = {"dense, real digits": [0.88, 0.89, 0.87], "CNN, real digits": [0.92, 0.93, 0.92]}
    fig = plots.plot_seed_runs(groups, title="equal budget")
    try:
        (ax,) = fig.axes
        points = [line for line in ax.get_lines() if len(line.get_xdata()) == 3]
        assert len(points) == 2, "one set of dots per group"
        assert sorted(np.round(points[1].get_ydata(), 2)) == [0.92, 0.92, 0.93]
        assert [label.get_text() for label in ax.get_xticklabels()] == list(groups)
        assert len(ax.collections) == 2, "one mean bar per group"
        assert np.allclose(ax.collections[0].get_segments()[0][:, 1], np.mean(groups["dense, real digits"]))
    finally:
        plt.close(fig)
