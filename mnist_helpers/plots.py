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


def show_probabilities(images, probabilities, titles, title, n_cols=5):
    """Each 28x28 input above its predicted probabilities, one bar colour per model (notebook 07).

    `probabilities` maps a model's name to its (n, 10) predictions for `images`. At most
    `n_cols` digits per row, so that the ten bar labels stay readable on a 1024x768 screen.
    """
    n = len(images)
    n_cols = min(n, n_cols)
    n_rows = -(-n // n_cols)
    fig, axes = plt.subplots(2 * n_rows, n_cols, figsize=(max(2.0 * n_cols, 4.5), 3.3 * n_rows + 0.8), squeeze=False,
                             gridspec_kw={"height_ratios": [1, 1] * n_rows})
    width = 0.8 / len(probabilities)
    colors = (CLASS_COLORS[0], CLASS_COLORS[6], CLASS_COLORS[3])
    for index in range(n_rows * n_cols):
        image_ax, bar_ax = axes[2 * (index // n_cols), index % n_cols], axes[2 * (index // n_cols) + 1, index % n_cols]
        image_ax.axis("off")
        if index >= n:
            bar_ax.axis("off")
            continue
        image_ax.imshow(images[index], cmap=IMAGE_CMAP, vmin=0, vmax=1)
        image_ax.set_title(titles[index], fontsize=9)
        for k, ((name, probs), color) in enumerate(zip(probabilities.items(), colors)):
            bar_ax.bar(np.arange(10) + (k - (len(probabilities) - 1) / 2) * width, probs[index], width=width,
                       color=color, label=name)
        bar_ax.set_xticks(range(10))
        bar_ax.tick_params(labelsize=9)
        bar_ax.set_ylim(0, 1)
        bar_ax.set_yticks([0, 0.5, 1])
        if index % n_cols:
            bar_ax.set_yticklabels([])
        else:
            bar_ax.set_ylabel("probability", fontsize=9)
    handles, labels = axes[1, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", fontsize=9, ncol=len(probabilities))  # below: never on the title
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.2 / fig.get_figheight(), 1, 1))
    return fig
