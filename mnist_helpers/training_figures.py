"""Notebook 05's three figures, the split of the validation loss into right and wrong digits it discusses, and the
network of its automated runs with other settings (the ablation's variants)."""

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

from mnist_helpers.plots import CLASS_COLORS, RUN_COLORS, plot_histories, plot_seed_runs


def right_and_wrong_loss(probabilities, labels):
    """Mean cross-entropy of the digits classified right and of those classified wrong, and how many are wrong.

    `probabilities` is (digits, 10), `labels` the true classes (integers or one-hot rows). Each digit's loss is
    -log of its true class's probability, clipped at 1e-7 as Keras does.
    """
    probabilities = np.asarray(probabilities, dtype="float64")
    labels = np.asarray(labels)
    true = labels.argmax(axis=1) if labels.ndim == 2 else labels
    loss = -np.log(np.clip(probabilities[np.arange(len(true)), true], 1e-7, 1.0))
    wrong = probabilities.argmax(axis=1) != true
    def mean(values):
        return float(values.mean()) if len(values) else float("nan")

    return mean(loss[~wrong]), mean(loss[wrong]), int(wrong.sum())


def ablation_variant(model, learning_rate, max_shift, dropout, schedule, peak_rate, seed):
    """Notebook 05's network and learning rate for an automated run with other settings: without the shifts
    (`max_shift` 0), with dropout (`dropout` above 0) or with a constant rate (`schedule` "constant"). With the
    defaults, `model` and `learning_rate` come back unchanged. Returns (model, learning_rate)."""
    if not max_shift or dropout:
        keras.utils.set_random_seed(seed)
        shifts = [layers.Reshape((28, 28, 1)),
                  layers.RandomTranslation(max_shift / 28, max_shift / 28, fill_mode="constant"),
                  layers.Flatten()] if max_shift else []
        drop = [layers.Dropout(dropout)] if dropout else []
        model = keras.Sequential([keras.Input((784,)), *shifts, layers.Dense(512, activation="relu"), *drop,
                                  layers.Dense(512, activation="relu"), *drop, layers.Dense(10, activation="softmax")],
                                 name="mnist_dense")
        print(f"this run: shifts of up to {max_shift} pixels, dropout {dropout}")
    if schedule == "constant":  # one fixed rate, as the plain recipe had
        learning_rate = peak_rate
        print(f"this run: a constant learning rate of {peak_rate}, not the schedule above")
    return model, learning_rate


def plot_small_and_full(small_curves, full_runs):
    """Left: the 3,000-digit runs' training (solid) and validation (dashed) loss, a star at each lowest
    validation loss. Right: the 54,000-digit runs' validation loss (from ablations.json). Returns the figure."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
    for (seed, curves), marker, colour in zip(small_curves.items(), "os^", RUN_COLORS):
        epochs = range(1, len(curves["loss"]) + 1)
        left.plot(epochs, curves["loss"], marker + "-", color=colour, markersize=3, markevery=3,
                  label=f"seed {seed}")
        left.plot(epochs, curves["val_loss"], marker + "--", color=colour, markersize=3)
        low = int(np.argmin(curves["val_loss"]))
        left.plot(low + 1, curves["val_loss"][low], "*", color="black", markersize=10)
    left.plot([], [], "k-", label="training (solid)")
    left.plot([], [], "k--", label="validation (dashed)")
    left.set(ylim=(0, 0.4), xlabel="epoch", ylabel="loss",
             title="3,000 digits: validation loss turns up (star: lowest; y cut at 0.4)")
    left.legend(fontsize=9, ncol=2, loc="upper right")
    losses = np.array([run["val_loss"] for run in full_runs])  # seeds x epochs
    for run, loss, marker, colour in zip(full_runs, losses, "os^", RUN_COLORS):
        right.plot(range(1, len(loss) + 1), loss, marker + "-", color=colour, markersize=4, label=f"seed {run['seed']}")
    right.set(xlabel="epoch", ylabel="validation loss", xticks=range(1, losses.shape[1] + 1),
              title="54,000 digits: no clear rise within 12 epochs")
    right.legend(fontsize=9)
    fig.tight_layout()
    return fig


def plot_plain_and_final(plain_history, final_history, stops):
    """Both runs' learning curves (plots.plot_histories); the final run gets its own markers. Returns the figure."""
    fig = plot_histories({"plain recipe": plain_history, "final recipe": final_history}, stops=stops,
                         title="Learning curves, plain against final (solid: training, dashed: validation)")
    for ax in fig.axes:  # the final run gets its own markers, so the runs differ by more than colour
        for line in ax.get_lines():
            kind = line.get_label().removeprefix("final recipe, ")
            if line.get_label().startswith("final recipe, ") and kind in ("training", "validation"):
                line.set_marker("^" if kind == "training" else "D")
    fig.legends[0].remove()
    handles, names = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=3, fontsize=9, frameon=False)
    return fig


TICK_LABELS = {"final recipe": "final\nrecipe", "without shifts": "without\nshifts",
               "with dropout 0.2": "with\ndropout 0.2", "constant learning rate": "constant\nlearning rate",
               "batch 512": "batch\n512", "10 epochs": "10\nepochs", "plain recipe": "plain\nrecipe"}


def plot_ablation(valid_runs, seeds, live_seed, live):
    """The ablation's dot plot: a dot per seed, a bar at the mean, per variant (in TICK_LABELS' order).
    `live` maps "final recipe" and "plain recipe" to this notebook's run (seed `live_seed`): hollow stars."""
    fig = plot_seed_runs({TICK_LABELS[name]: valid_runs[name] for name in TICK_LABELS}, ylabel="validation accuracy",
                         title="Each variant against the final recipe: a dot per seed (left to right "
                               f"{', '.join(str(seed) for seed in seeds)}), a bar at the mean")
    ax = fig.axes[0]
    lines, bars = ax.get_lines(), ax.collections
    for index, colour, marker in ((5, CLASS_COLORS[9], None), (6, CLASS_COLORS[2], "X")):  # 10 epochs: darker
        lines[index].set(color=colour, **({"marker": marker} if marker else {}))  # plain: not the final's style
        bars[index].set_color(colour)
    # plot_seed_runs spreads a group's dots from -0.12 to 0.12, in seed order
    offset = np.linspace(-0.12, 0.12, len(seeds))[seeds.index(live_seed)] if live_seed in seeds else 0.0
    names = list(TICK_LABELS)
    star_x = np.array([names.index(name) for name in live]) + offset - 0.14
    ax.plot(star_x, list(live.values()), "*", color="black", markerfacecolor="none", markersize=14,
            label="this run, trained live above")
    ax.legend(loc="lower left", fontsize=9)
    return fig
