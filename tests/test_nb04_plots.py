"""Notebook 04's table and figure helpers: the verdicts they print follow the lesson's rule, and the figures show
every seed of every design they name."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mnist_helpers import designs  # noqa: E402
from mnist_helpers.evidence import compare, margin  # noqa: E402


def run(accuracy, previous, steps=141, params=669_706):
    return {"accuracy": accuracy, "curve": [previous, accuracy], "steps": steps, "params": params}


RUNS = {
    "ref": [run(0.937, 0.925), run(0.941, 0.930), run(0.934, 0.920)],
    "small": [run(0.880, 0.850, params=26_506), run(0.885, 0.860, params=26_506), run(0.882, 0.855, params=26_506)],
    "sigmoid": [run(0.930, 0.920), run(0.936, 0.926), run(0.939, 0.930)],
    "sigmoid, SGD": [run(0.400, 0.300), run(0.300, 0.200), run(0.500, 0.350)],
    "relu, SGD": [run(0.890, 0.870), run(0.893, 0.875), run(0.886, 0.866)],
    "Adam 0.01": [run(0.920, 0.918), run(0.925, 0.920), run(0.923, 0.921)],
    "32": [run(0.938, 0.935, steps=564), run(0.936, 0.933, steps=564), run(0.939, 0.936, steps=564)],
}
RUNS["128 (ref.)"] = RUNS["ref"]
GROUPS = {
    "width": {"small": {"hidden": (32, 32)}, "ref": {}},
    "activation": {"sigmoid": {"activation": "sigmoid"}, "ref": {},
                   "sigmoid, SGD": {"activation": "sigmoid", "optimizer": "sgd"}, "relu, SGD": {"optimizer": "sgd"}},
    "optimiser": {"Adam 0.01": {"learning_rate": 0.01}, "ref": {}},
    "batch size": {"32": {"batch_size": 32}, "128 (ref.)": {}},
}


def accuracies(name):
    return [r["accuracy"] for r in RUNS[name]]


def test_print_design_table_prints_each_verdict_by_the_rule_and_the_costs(capsys):
    designs.print_design_table(GROUPS, RUNS, margin, compare, ("sigmoid, SGD",), "relu, SGD",
                             pairs={"sigmoid against ReLU": ("sigmoid", "Adam 0.01")}, cost_rows=("small", "ref"))
    out = capsys.readouterr().out
    rows = {line.split("  ")[1].strip(): line for line in out.splitlines() if line.startswith("  ")}
    assert rows["small"].endswith("   worse")
    assert f"{margin(accuracies('small'), accuracies('ref')):.2f}" in rows["small"]
    assert rows["sigmoid"].endswith("   no clear difference")
    assert rows["sigmoid, SGD"].endswith("   worse")  # against ReLU under SGD, not the reference
    assert f"{margin(accuracies('sigmoid, SGD'), accuracies('relu, SGD')):.2f}" in rows["sigmoid, SGD"]
    assert rows["ref"].endswith("(reference)") and rows["relu, SGD"].endswith("(reference under SGD)")
    assert len(out.split("\n\n")[0].splitlines()) == 2  # a two-line legend
    sigmoid, relu = accuracies("sigmoid"), accuracies("Adam 0.01")
    assert f"sigmoid against ReLU: margin {margin(sigmoid, relu):.2f}, {compare(sigmoid, relu)}" in out
    assert "parameters: small: 26,506; ref: 669,706" in out
    assert "training steps: batches of 32: 564; batches of 128: 141" in out
    assert rows["Adam 0.01"].endswith("   worse")  # margin 0.77: a close call only when the cut is given


def test_print_design_table_marks_close_calls(capsys):
    designs.print_design_table(GROUPS, RUNS, margin, compare, ("sigmoid, SGD",), "relu, SGD", pairs={},
                               cost_rows=("ref",), close_call=1)
    out = capsys.readouterr().out
    rows = {line.split("  ")[1].strip(): line for line in out.splitlines() if line.startswith("  ")}
    assert 0 < margin(accuracies("Adam 0.01"), accuracies("ref")) < 1
    assert rows["Adam 0.01"].endswith("   worse, close call") and rows["small"].endswith("   worse")
    assert rows["sigmoid"].endswith("   no clear difference")
    assert "margin above 0: a clear difference, under 1: a close call." in out


def test_plot_design_groups_draws_every_seed_in_its_panel():
    fig = designs.plot_design_groups(GROUPS, RUNS, apart=("sigmoid, SGD", "relu, SGD"), apart_title="under SGD",
                                   order={"activation": ["sigmoid", "ref", "sigmoid, 0.01"]},
                                   borrowed={"sigmoid, 0.01": "Adam 0.01"}, title="a title")
    try:
        shown = [ax for ax in fig.axes if ax.get_visible()]
        assert [ax.get_title() for ax in shown] == ["Varying the width", "Varying the activation",
                                                      "Varying the optimiser", "Varying the batch size", "under SGD"]
        activation = shown[1]
        dots = [line for line in activation.get_lines() if line.get_marker() == "o"]
        assert len(dots) == 3 and all(len(line.get_ydata()) == 3 for line in dots)
        assert np.allclose(sorted(dots[2].get_ydata()), sorted(accuracies("Adam 0.01")))  # borrowed seeds
        assert dots[2].get_markerfacecolor() == "white" and dots[0].get_markerfacecolor() != "white"  # hollow
        reference, rival, borrowed = (line.get_color() for line in (dots[1], dots[0], dots[2]))
        assert len({reference, rival, borrowed}) == 3  # dark blue for the reference alone
        assert [label.get_text() for label in shown[4].get_xticklabels()] == ["sigmoid,\nSGD", "relu,\nSGD"]
        assert activation.get_xticklabels()[0].get_text() == "sigmoid,\nAdam\n0.001"  # NB04_LABELS: its rate
        assert fig._suptitle.get_text().startswith("a title. Dot: one seed")  # the title, then the key
        assert len(activation.patches) == 1 and not shown[4].patches  # the reference's band, not under SGD
    finally:
        plt.close(fig)


def test_last_gains_is_the_mean_gain_of_the_last_epoch_in_points():
    gains = designs.last_gains(RUNS)
    assert round(gains["ref"], 6) == round(100 * (0.012 + 0.011 + 0.014) / 3, 6)
    assert np.isnan(designs.last_gains({"one epoch": [{"curve": [0.9]}]})["one epoch"])


def test_plot_curves_draws_each_design_as_its_error_rate_per_epoch(capsys):
    fig = designs.plot_curves(RUNS, {"under Adam": ["ref", "small"], "under SGD": ["relu, SGD", "sigmoid, SGD"]})
    try:
        out = capsys.readouterr().out
        labelled = designs.plot_curves(RUNS, {"under Adam": ["ref", "small"]}, labels={"small": "2 x 32"})
        assert [line.get_label() for line in labelled.axes[0].get_lines()] == ["ref", "2 x 32"]
        assert "  2 x 32                    2.7\n" in capsys.readouterr().out
        plt.close(labelled)
        assert "under Adam:\n  ref                       1.2\n  small                     2.7\n" in out  # the last
        # epoch's fall: (1.2 + 1.1 + 1.4) / 3 points, one design a line
        left, right = fig.axes
        assert [line.get_label() for line in right.get_lines()] == ["relu, SGD", "sigmoid, SGD"]
        epochs, errors = left.get_lines()[1].get_data()
        assert list(epochs) == [1, 2] and np.allclose(errors, [100 * (1 - 0.855), 100 * (1 - 0.8823333)])
        assert left.get_lines()[0].get_color() != left.get_lines()[1].get_color()
        assert fig.get_size_inches()[0] * fig.dpi <= 1000  # readable at 1024 px
        crowded = designs.plot_curves(RUNS, {"three": ["ref", "small", "sigmoid"]})
        starts = [line.get_xdata()[0] for line in crowded.axes[0].get_lines()]
        assert len(set(starts)) == 3 and max(starts) - min(starts) < 0.1  # shifted apart, a little
        plt.close(crowded)
    finally:
        plt.close(fig)


def test_plot_activations_draws_the_three_derivatives():
    z = np.linspace(-6, 6, 500)
    sigmoid = 1 / (1 + np.exp(-z))
    fig = designs.plot_activations(z, {"sigmoid": (sigmoid, sigmoid * (1 - sigmoid)),
                                       "tanh": (np.tanh(z), 1 - np.tanh(z) ** 2),
                                       "ReLU": (np.maximum(0, z), (z > 0).astype("float32"))})
    try:
        _, derivatives = fig.axes
        z, sigmoid = derivatives.lines[0].get_data()
        assert abs(np.nanmax(sigmoid) - 0.25) < 1e-3 and sigmoid[np.abs(z) > 4].max() < 0.02
        assert [line.get_label() for line in derivatives.lines] == ["sigmoid", "tanh", "ReLU"]
        assert derivatives.lines[1].get_linestyle() == "--"  # tanh told apart from the sigmoid without colour
        relu = derivatives.lines[2].get_ydata()
        assert np.isnan(relu[np.abs(z) < 0.05]).all() and set(relu[~np.isnan(relu)]) == {0.0, 1.0}
    finally:
        plt.close(fig)


def test_print_layer_moves_prints_each_layer_and_adam(capsys):
    moves = {("sgd", "sigmoid"): np.array([[0.001, 0.002, 0.05], [0.001, 0.002, 0.05]]),
             ("sgd", "relu"): np.array([[0.007, 0.008, 0.07], [0.006, 0.009, 0.07]])}
    further = moves["sgd", "relu"] / moves["sgd", "sigmoid"]
    designs.print_layer_moves(moves, further, np.array([[0.7, 1, 1], [0.9, 1, 1]]))
    out = capsys.readouterr().out.splitlines()
    assert "(mean of 2 seeds)" in out[0]
    assert out[2] == "first hidden layer     0.0010   0.0065   6.5x (6.0 to 7.0)"
    assert out[4].startswith("output layer") and out[4].endswith("1.4x (1.4 to 1.4)")
    assert out[5].endswith("ReLU / sigmoid: 0.8x (0.7 to 0.9)")
