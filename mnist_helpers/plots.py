"""Figures the notebooks share. Each says which notebook introduces it."""

import matplotlib.pyplot as plt
import numpy as np

# Paul Tol's "muted" scheme plus pale grey: ten colours told apart under the common forms of
# colour blindness. Figures also label classes by text, so colour is never the only cue.
CLASS_COLORS = [
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499", "#777777",
]
IMAGE_CMAP = "gray_r"  # ink dark on white, like the original forms
HEAT_CMAP = "cividis"  # perceptually uniform and colour-blind safe


def show_digits(images, titles=None, n_cols=10, title=None, size=1.1, title_colors=None):
    """Draw 28x28 digits in a grid, each with an optional caption (notebook 01).

    `images` may be (n, 28, 28) or flattened (n, 784); `title_colors` can mark captions,
    e.g. errors in a gallery (notebook 05).
    """
    images = np.asarray(images).reshape(len(images), 28, 28)
    n_rows = max(1, int(np.ceil(len(images) / n_cols)))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(n_cols * size, n_rows * size * 1.15), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= len(images):
            continue
        ax.imshow(images[index], cmap=IMAGE_CMAP, vmin=0, vmax=images.max() or 1)
        if titles is not None:
            color = title_colors[index] if title_colors is not None else "black"
            ax.set_title(str(titles[index]), fontsize=8, color=color)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history, title="Learning curves"):
    """Loss and accuracy per epoch, training against validation (notebook 04).

    `history` is the dict in `model.fit(...).history` (or the JSON saved from it).
    """
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.6))
    epochs = np.arange(1, len(history["loss"]) + 1)
    for ax, metric, label in ((ax_loss, "loss", "cross-entropy loss"), (ax_acc, "accuracy", "accuracy")):
        ax.plot(epochs, history[metric], "o-", color=CLASS_COLORS[0], label="training")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], "s--", color=CLASS_COLORS[6], label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    ax_loss.set_title("Loss (lower is better)")
    ax_acc.set_title("Accuracy (higher is better)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_matrix(matrix, title, value_format="d", ax=None, colorbar_label="count"):
    """A 10x10 class-by-class matrix with every cell's value printed (notebook 05)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 4.6))
    image = ax.imshow(matrix, cmap=HEAT_CMAP)
    threshold = matrix.max() / 2 if matrix.max() else 1
    for (row, col), value in np.ndenumerate(matrix):
        if value:
            ax.text(col, row, format(value, value_format), ha="center", va="center", fontsize=7,
                    color="black" if value > threshold else "white")
    ax.set_xticks(range(matrix.shape[1]))
    ax.set_yticks(range(matrix.shape[0]))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, label=colorbar_label, fraction=0.046)
    return ax


def show_probabilities(images, probabilities, titles, title):
    """Each 28x28 input above its predicted probabilities, one bar colour per model (notebook 07).

    `probabilities` maps a model's name to its (n, 10) predictions for `images`.
    """
    n = len(images)
    fig, axes = plt.subplots(2, n, figsize=(1.9 * n, 3.8), gridspec_kw={"height_ratios": [1, 1.1]}, squeeze=False)
    width = 0.8 / len(probabilities)
    for column in range(n):
        axes[0, column].imshow(images[column], cmap=IMAGE_CMAP, vmin=0, vmax=1)
        axes[0, column].set_title(titles[column], fontsize=8)
        axes[0, column].axis("off")
        ax = axes[1, column]
        for k, ((name, probs), color) in enumerate(zip(probabilities.items(), (CLASS_COLORS[0], CLASS_COLORS[6]))):
            ax.bar(np.arange(10) + (k - (len(probabilities) - 1) / 2) * width, probs[column], width=width,
                   color=color, label=name)
        ax.set_xticks(range(10))
        ax.tick_params(labelsize=6)
        ax.set_ylim(0, 1)
        if column:
            ax.set_yticklabels([])
    axes[1, 0].set_ylabel("probability", fontsize=8)
    axes[1, -1].legend(fontsize=7, loc="upper right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def digit_gallery(images, titles, title, n_cols=8):
    """A gallery of 28x28 digits with captions large enough for a projector (notebook 06).

    Like `show_digits`, with bigger panels and 10-point captions, so that a row of eight stays
    readable at 1024x768.
    """
    fig = show_digits(images, titles=titles, n_cols=n_cols, title=None, size=1.25)
    for ax in fig.axes:
        ax.title.set_fontsize(10)
    fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig


def plot_seed_runs(groups, title, ylabel="accuracy"):
    """One dot per training run (seed) and a bar at the mean, for each group (notebook 06).

    `groups` maps a label to the values of its runs; the dots show the spread a claim must beat.
    """
    from matplotlib.ticker import PercentFormatter

    fig, ax = plt.subplots(figsize=(8, 3.8))
    colors, markers = [CLASS_COLORS[i] for i in (0, 6, 3, 7, 4)], "os^Dv"
    for index, values in enumerate(groups.values()):
        color, marker = colors[index % len(colors)], markers[index % len(markers)]
        offsets = np.linspace(-0.12, 0.12, len(values)) if len(values) > 1 else [0.0]
        ax.plot(index + np.asarray(offsets), values, marker, color=color, markersize=8)
        ax.hlines(np.mean(values), index - 0.25, index + 0.25, color=color, linewidth=2)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(list(groups), fontsize=10)
    ax.set_xlim(-0.6, len(groups) - 0.4)
    ax.set_ylabel(ylabel, fontsize=10)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig
