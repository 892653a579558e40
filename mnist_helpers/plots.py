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

    `history` is the dict in `model.fit(...).history` (or the JSON saved from it). The loss
    is drawn on a log scale, so the first epoch does not squash the others, and the epoch
    with the lowest validation loss (the best epoch) is marked with a star.
    """
    return plot_histories({"": history}, title=title, error_rate=False)


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


RUN_COLORS = (CLASS_COLORS[0], CLASS_COLORS[6], CLASS_COLORS[3], CLASS_COLORS[8])  # dark blue, rose, green, purple


def plot_histories(histories, title="Learning curves", stops=None, error_rate=True):
    """Training and validation curves of several runs on the same axes (notebook 04).

    `histories` maps each run's name to its `model.fit(...).history` dict. Each run gets one
    colour: training solid with dots, validation dashed with squares, a star on the best epoch
    (lowest validation loss). Loss and error rate (1 - accuracy, `error_rate=True`) are drawn on
    log scales, so the late epochs, where overfitting shows, are not squashed by the first.
    `stops` maps a run's name to `(epoch, text)`: a dotted vertical line there, in the run's
    colour, named in the legend (e.g. where early stopping ends the run). Returns the figure.
    """
    stops = stops or {}
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4.2 if len(histories) == 1 else 5))
    panels = ((ax_loss, "loss", "cross-entropy loss (log scale)"),
              (ax_acc, "accuracy", "error rate, % (log scale)" if error_rate else "accuracy"))
    for (name, history), color in zip(histories.items(), RUN_COLORS):
        epochs = np.arange(1, len(history["loss"]) + 1)
        prefix = f"{name}, " if name else ""
        best = int(np.argmin(history["val_loss"])) + 1 if "val_loss" in history else None
        for ax, metric, _ in panels:
            for key, style, kind in ((metric, "o-", "training"), (f"val_{metric}", "s--", "validation")):
                if key not in history:
                    continue
                values = np.asarray(history[key], dtype=float)
                if metric == "accuracy" and error_rate:
                    values = 100 * (1 - values)
                ax.plot(epochs, values, style, color=color, markersize=4, lw=1.6, label=prefix + kind)
                if best is not None and kind == "validation":
                    ax.plot(best, values[best - 1], "*", color=color, markersize=16, markeredgecolor="black",
                            label=f"{prefix}best epoch ({best})")
            if name in stops:
                epoch, text = stops[name]
                ax.axvline(epoch, color=color, ls=":", lw=2, label=f"{text} ({epoch})")
    longest = max(len(history["loss"]) for history in histories.values())
    for ax, metric, label in panels:
        ax.set_xlim(0.5, longest + 0.8)  # room for the markers at both ends
        if metric == "loss" or error_rate:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3, which="both")
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax_loss.set_title("Loss (lower is better)")
    ax_acc.set_title("Error rate (lower is better)" if error_rate else "Accuracy (higher is better)")
    handles, labels = ax_loss.get_legend_handles_labels()
    if len(histories) > 1:
        fig.legend(handles, labels, loc="lower center", ncol=min(3, len(labels)), fontsize=9, frameon=False)
        fig.suptitle(title)
        fig.tight_layout(rect=(0, 0.05 * np.ceil(len(labels) / 3), 1, 1))
    else:
        ax_loss.legend(fontsize=9)
        fig.suptitle(title)
        fig.tight_layout()
    return fig
