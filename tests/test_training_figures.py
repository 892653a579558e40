"""Notebook 05's helpers: the right-and-wrong split of the validation loss and the figures."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mnist_helpers import training_figures  # noqa: E402


def test_right_and_wrong_loss_splits_the_cross_entropy():
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.0, 1.0]])
    labels = np.array([0, 1, 1, 0])  # right, right, wrong, wrong (with probability 0: clipped at 1e-7)
    right, wrong, n_wrong = training_figures.right_and_wrong_loss(probabilities, labels)
    assert n_wrong == 2
    assert np.isclose(right, -(np.log(0.9) + np.log(0.8)) / 2)
    assert np.isclose(wrong, -(np.log(0.4) + np.log(1e-7)) / 2)
    one_hot = np.eye(2)[labels]
    assert training_figures.right_and_wrong_loss(probabilities, one_hot) == (right, wrong, n_wrong)


def test_the_figures_draw():
    curves = {seed: {"loss": list(np.linspace(1, 0.1, 5)), "val_loss": [0.9, 0.5, 0.4, 0.45, 0.5],
                     "accuracy": [0.5, 0.6, 0.7, 0.8, 0.9], "val_accuracy": [0.5, 0.6, 0.7, 0.7, 0.7]}
              for seed in (42, 0, 1)}
    runs = [{"seed": seed, "val_loss": [0.3, 0.2, 0.1]} for seed in (42, 0, 1)]
    valid = {name: [0.98, 0.985, 0.99] for name in training_figures.TICK_LABELS}
    figures = [training_figures.plot_small_and_full(curves, runs),
               training_figures.plot_plain_and_final(curves[42], curves[0], {}),
               training_figures.plot_ablation(valid, [42, 0, 1], 42, {"final recipe": 0.99, "plain recipe": 0.98})]
    try:
        for fig in figures:
            width, _ = fig.get_size_inches() * fig.dpi
            assert width <= 1100 and fig.axes
    finally:
        for fig in figures:
            plt.close(fig)
