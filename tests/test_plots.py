"""The figures of notebooks 01, 03, 05, 07 and 08 (mnist_helpers.plots, .diagrams): curves, matrices, diagrams."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mnist_helpers import diagrams, plots  # noqa: E402

# Validation loss lowest at epoch 2, then rising: a small picture of overfitting.
OVERFITS = {"loss": [0.5, 0.2, 0.1, 0.05], "val_loss": [0.3, 0.2, 0.25, 0.3],
            "accuracy": [0.8, 0.9, 0.95, 0.99], "val_accuracy": [0.85, 0.9, 0.89, 0.88]}
STEADY = {"loss": [0.9, 0.3, 0.2], "val_loss": [0.2, 0.1, 0.05], "accuracy": [0.7, 0.9, 0.95],
          "val_accuracy": [0.9, 0.95, 0.97]}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def labels(ax):
    return ax.get_legend_handles_labels()[1]


def test_plot_histories_draws_one_run_as_error_rate_and_marks_the_best_epoch():
    fig = plots.plot_histories({"": OVERFITS}, title="Training the CNN")
    ax_loss, ax_acc = fig.axes
    assert fig._suptitle.get_text() == "Training the CNN"
    assert ax_loss.get_yscale() == "log" and ax_acc.get_yscale() == "log"
    assert labels(ax_loss) == ["training", "validation", "best epoch by loss (2)"]
    star = ax_loss.lines[2]
    assert list(star.get_xdata()) == [2] and list(star.get_ydata()) == [0.2]
    np.testing.assert_allclose(ax_acc.lines[1].get_ydata(), [15, 10, 11, 12])  # 1 - accuracy, in %


def test_learning_curve_ticks_read_as_plain_numbers_not_powers_of_ten():
    # a newcomer reads "0.02" and "5"; matplotlib's log axis would print 2x10^-2 and 5x10^0
    fig = plots.plot_histories({"": {"loss": [0.9, 0.1, 0.02], "val_loss": [0.5, 0.08, 0.03],
                                     "accuracy": [0.7, 0.97, 0.995], "val_accuracy": [0.9, 0.98, 0.992]}})
    fig.canvas.draw()
    for ax in fig.axes:
        shown = [tick.get_text() for tick in ax.get_yticklabels() if tick.get_text()]
        assert len(shown) >= 2, shown
        for text in shown:
            float(text)  # a plain number, no mathtext
    assert {"0.1", "0.02"} <= {t.get_text() for t in fig.axes[0].get_yticklabels()}


def test_plot_histories_without_validation_draws_training_only():
    fig = plots.plot_histories({"": {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8]}})
    assert labels(fig.axes[0]) == ["training"]


def test_plot_histories_puts_runs_on_the_same_axes_with_error_rates_and_stops():
    fig = plots.plot_histories({"plain": OVERFITS, "regularised": STEADY}, title="both",
                               stops={"plain": (4, "plain, early stopping would end it after epoch")})
    ax_loss, ax_acc = fig.axes
    assert ax_loss.get_yscale() == "log" and ax_acc.get_yscale() == "log"
    assert "plain, best epoch by loss (2)" in labels(ax_loss)
    assert "regularised, best epoch by loss (3)" in labels(ax_loss)
    assert "plain, early stopping would end it after epoch (4)" in labels(ax_loss)
    error_rates = ax_acc.lines[1].get_ydata()  # plain, validation
    np.testing.assert_allclose(error_rates, [15, 10, 11, 12])
    plain_colour, regularised_colour = ax_loss.lines[0].get_color(), ax_loss.lines[-1].get_color()
    assert plain_colour != regularised_colour
    left, right = ax_loss.get_xlim()
    assert left < 1 and right > 4, "room for the markers at both ends"
    assert fig.legends, "one legend for both panels, below them"


def test_the_network_diagram_draws_every_weight_between_the_units_it_shows():
    fig = diagrams.network_diagram([784, 512, 10, 3], ["in", "hidden", "out", "tiny"], shown=6)
    ax = fig.axes[0]
    units = [len(collection.get_offsets()) for collection in ax.collections]
    assert units == [6, 6, 6, 3], "at most `shown` units a column; a column of 3 shows all 3"
    assert len(ax.lines) == 6 * 6 + 6 * 6 + 6 * 3, "every drawn unit joined to every drawn unit of the next column"
    texts = [text.get_text() for text in ax.texts]
    assert texts.count("⋮") == 3, "dots only where units are left out"
    assert "in\n784 units" in texts and "tiny\n3 units" in texts


def test_the_chain_rule_diagram_shows_ten_paths_and_the_product_they_add_up_to():
    ax = diagrams.chain_rule_diagram().axes[0]
    texts = " ".join(text.get_text() for text in ax.texts)
    assert [str(k) for k in range(10)] == [t.get_text() for t in ax.texts if t.get_text().isdigit()], "ten logits"
    assert "add the ten paths" in texts and r"\sum_k W2[j, k]" in texts
    assert len(ax.lines) == 1 + 10, "the chain to the hidden unit, then one path through each logit"


def test_the_preprocessing_figure_frames_the_box_and_marks_the_centre():
    boxed = np.ones((20, 10))
    steps = {"grayscale": np.full((40, 30), 0.8), "ink": np.zeros((40, 30)), "boxed": boxed,
             "mnist": np.zeros((28, 28))}
    axes = diagrams.show_preprocessing(steps, "a test").axes
    assert [ax.get_title() for ax in axes][2] == "cropped to 10×20\n(longer side 20)"
    framed = axes[2].images[0].get_array()
    assert framed.shape == (28, 28) and framed.sum() == boxed.sum(), "the box drawn whole, at the 28x28 scale"
    assert len(axes[2].patches) == 1 and axes[3].lines[0].get_xydata().tolist() == [[14, 14]], "frame; + on (14, 14)"



def test_plot_matrix_of_mistakes_greys_the_diagonal_and_writes_the_zeros():
    """Notebook 01: a pair never confused reads 0, a digit read right is a grey square, not a dark cell."""
    mistakes = np.array([[0, 3, 0], [0, 0, 5], [2, 0, 0]])
    plain = plots.plot_matrix(mistakes, "plain")
    assert sorted(text.get_text() for text in plain.texts) == ["2", "3", "5"]
    ax = plots.plot_matrix(mistakes, "mistakes", mistakes_only=True)
    assert sorted(text.get_text() for text in ax.texts) == ["0", "0", "0", "2", "3", "5"]  # off the diagonal
    grey = [patch.get_xy() for patch in ax.patches]
    assert sorted(grey) == [(-0.5, -0.5), (0.5, 0.5), (1.5, 1.5)]  # one square per diagonal cell


def test_the_one_weight_probe_draws_the_u_its_tangent_the_step_and_the_staircase():
    """Notebook 03: a nudged weight's loss is a U and its accuracy flat steps; the inset shows one step."""
    def probe(change):
        return (change - 1) ** 2 + 1, 0.8 + 0.1 * (change > 1)

    changes = np.linspace(-3, 3, 601)
    fig = plots.plot_one_weight_probe(probe, (changes, *np.array([probe(change) for change in changes]).T),
                                      slope=-2.0, step=0.01, weight_name="the weight")
    ax_loss, ax_acc = fig.axes
    zoom = ax_loss.child_axes[0]
    assert labels(ax_loss) == ["loss", "slope at 0 (gradient)", "trained weight"]
    np.testing.assert_allclose(ax_loss.lines[1].get_ydata()[[0, -1]], [4, 0])  # 2 - 2 x change, from -1 to 1
    assert zoom.get_title() == "zoom, -0.01 to +0.02: one step, +0.0100"  # the range of changes it shows
    assert sorted(set(ax_acc.lines[0].get_ydata())) == [0.8, 0.9], "the accuracy: flat steps"
    assert ax_acc.child_axes[0].get_xlabel() == "zoom, -0.05 to +0.05: flat steps"
    given = plots.plot_one_weight_probe(probe, (changes, (changes - 1) ** 2 + 1, 0.8 + 0.1 * (changes > 1)),
                                        slope=-2.0, step=0.01, weight_name="the weight")  # drawn as given
    np.testing.assert_allclose(given.axes[0].lines[0].get_ydata(), ax_loss.lines[0].get_ydata())
    assert ax_loss.get_xlabel() == ax_acc.get_xlabel() == "change added to the weight"
