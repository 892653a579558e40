"""Figures the notebooks share. Each says which notebook introduces it."""

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
import numpy as np

# Paul Tol's "muted" scheme plus pale grey: ten colours told apart under the common forms of
# colour blindness. Figures also label classes by text, so colour is never the only cue.
CLASS_COLORS = [
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499", "#777777",
]
IMAGE_CMAP = "gray_r"  # ink dark on white, like the original forms
HEAT_CMAP = "cividis"  # perceptually uniform and colour-blind safe


def show_digits(images, titles=None, n_cols=10, title=None, size=1.1, title_colors=None, fontsize=8):
    """Draw 28x28 digits in a grid, each with an optional caption (notebook 01).

    `images` may be (n, 28, 28) or flattened (n, 784); `title_colors` can mark captions,
    e.g. errors in a gallery (notebook 06). `size` is each digit's width in inches and
    `fontsize` the captions' size in points: for a projector, keep `n_cols * size` within
    about 8.5 inches (then the figure is shown unscaled) and `fontsize` at 9 or more.
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
            ax.set_title(str(titles[index]), fontsize=fontsize, color=color)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_matrix(matrix, title, value_format="d", ax=None, colorbar_label="count", mistakes_only=False):
    """A 10x10 class-by-class matrix with every non-zero cell's value printed (notebooks 01 and 06).

    `mistakes_only`: a matrix of mistakes (notebook 01), whose diagonal (the digits read right) is drawn grey
    and whose pairs never confused are marked 0, so that the two cannot be told apart by colour alone.
    Sized for a projector: on its own it is a 6.4 x 5.6 inch figure whose printed values are
    9 pt, readable at 1024x768; give it one axis of a figure at least as large per matrix.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 5.6))
    image = ax.imshow(matrix, cmap=HEAT_CMAP)
    threshold = matrix.max() / 2 if matrix.max() else 1
    for (row, col), value in np.ndenumerate(matrix):
        if mistakes_only and row == col:
            ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, color="0.8"))
        elif value or mistakes_only:
            ax.text(col, row, format(value, value_format), ha="center", va="center", fontsize=9,
                    color="black" if value > threshold else "white")
    ax.set_xticks(range(matrix.shape[1]))
    ax.set_yticks(range(matrix.shape[0]))
    ax.tick_params(labelsize=10)
    ax.set_xlabel("predicted digit", fontsize=11)
    ax.set_ylabel("true digit", fontsize=11)
    ax.set_title(title, fontsize=12)
    ax.figure.colorbar(image, ax=ax, label=colorbar_label, fraction=0.046)
    return ax


def show_probabilities(images, probabilities, titles, title, n_cols=5, cmap=IMAGE_CMAP):
    """Each 28x28 input right above its predicted probabilities, one bar colour per model (notebook 08).

    `probabilities` maps a model's name to its (n, 10) predictions for `images`. At most
    `n_cols` digits per row, so that the ten bar labels stay readable on a 1024x768 screen.
    `cmap="gray"` draws the inputs as the network's numbers (high = white), not as ink.
    Each input and its bars share one cell of the grid, with no gap between them, so that
    the bars sit nearer their own input than the next row's.
    """
    n = len(images)
    n_cols = min(n, n_cols)
    n_rows = -(-n // n_cols)
    # at most 8.5 inches wide and, for three rows, under 7.5 tall: unscaled on a 1024x768 projector
    fig_width, fig_height = min(max(1.7 * n_cols, 4.5), 8.5), 2.25 * n_rows + 0.8
    fig = plt.figure(figsize=(fig_width, fig_height))
    # margins in inches: the bars' scale on the left, the title above, the legend below; between rows, room
    # for the bars' digits and the next input's two-line title (a gap of half a row)
    cells = fig.add_gridspec(n_rows, n_cols, left=0.7 / fig_width, right=1 - 0.1 / fig_width,
                             top=1 - 0.8 / fig_height, bottom=0.7 / fig_height, wspace=0.15, hspace=0.55)
    width = 0.8 / len(probabilities)
    colors = (CLASS_COLORS[0], CLASS_COLORS[6], CLASS_COLORS[3])
    first_bars = None
    for index in range(n):
        pair = cells[index // n_cols, index % n_cols].subgridspec(2, 1, height_ratios=[1.35, 0.65], hspace=0)
        image_ax, bar_ax = fig.add_subplot(pair[0]), fig.add_subplot(pair[1])
        image_ax.imshow(images[index], cmap=cmap, vmin=0, vmax=1)
        image_ax.set_anchor("S")  # the input at the bottom of its space, on top of its own bars
        image_ax.set_title(titles[index], fontsize=10)
        image_ax.set(xticks=[], yticks=[])  # a thin grey frame: a white page shows where it ends
        for spine in image_ax.spines.values():
            spine.set_color("0.6")
        for k, ((name, probs), color) in enumerate(zip(probabilities.items(), colors)):
            bar_ax.bar(np.arange(10) + (k - (len(probabilities) - 1) / 2) * width, probs[index], width=width,
                       color=color, label=name)
        bar_ax.set_xticks(range(10))
        bar_ax.tick_params(labelsize=10)
        bar_ax.set_ylim(0, 1)
        bar_ax.set_yticks([0, 0.5, 1])
        if index % n_cols:
            bar_ax.set_yticklabels([])
        else:
            bar_ax.set_ylabel("probability", fontsize=10)
        first_bars = first_bars or bar_ax
    handles, labels = first_bars.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", fontsize=10, ncol=len(probabilities))  # below: never on the title
    fig.suptitle(title, fontsize=11)
    return fig


def digit_gallery(images, captions, title, n_cols=8, size=1.1):
    """Digits in a grid with 9 pt captions, at most 8 wide, readable at 1024x768 (notebooks 06 and 07).

    `images` may be (n, 28, 28) or flattened (n, 784); a caption may hold two lines.
    Blank images (all zeros) with an empty caption leave a cell empty, to end a row early.
    """
    images = np.asarray(images).reshape(len(images), 28, 28)
    n_rows = max(1, int(np.ceil(len(images) / n_cols)))
    lines = max([str(c).count("\n") + 1 for c in captions] + [1])
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(n_cols * size, n_rows * (size + 0.17 * lines) + 0.4),
                             squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < len(images) and (images[index].any() or captions[index]):
            ax.imshow(images[index], cmap=IMAGE_CMAP, vmin=0, vmax=images[index].max() or 1)
            ax.set_title(str(captions[index]), fontsize=9)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def plot_one_weight_probe(probe, curves, slope, step, weight_name, n_digits=500):
    """One weight's loss and accuracy against a change added to it (notebook 03's one step by hand).

    `probe(change)` returns (loss, accuracy) on `n_digits` digits with `change` added to the weight;
    `slope` is the loss's slope at 0 (the weight's entry of the gradient), `step` one gradient step.
    `curves` is (changes, losses, accuracies): `probe` at each change, as the notebook computed and
    printed them. Left: the loss, a smooth U, its
    tangent at 0, and an inset zoomed in on the step. Right: the accuracy, and an inset zoomed in
    near 0, where its flat steps show even when many digits make them small. Each inset's label
    states its range of changes. `weight_name` ends the x-axis labels. Returns the figure.
    """
    from matplotlib.ticker import PercentFormatter

    changes, losses, accuracies = curves
    loss_at_0 = probe(0)[0]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8.5, 3.9))
    ax_loss.plot(changes, losses, color=CLASS_COLORS[0], lw=2, label="loss")
    near_0 = changes[200:401]  # from -1 to 1
    ax_loss.plot(near_0, loss_at_0 + slope * near_0, "--", color="black", lw=1.5, label="slope at 0 (gradient)")
    ax_loss.plot(0, loss_at_0, "o", color="black", ms=6, label="trained weight")
    zoom = ax_loss.inset_axes([0.42, 0.55, 0.3, 0.34])  # the step is too small to see at this scale: zoomed in
    near = np.linspace(-0.01, 0.02, 31)
    zoom.plot(near, [probe(change)[0] for change in near], color=CLASS_COLORS[0], lw=2)
    zoom.plot(0, loss_at_0, "o", color="black", ms=6)
    zoom.annotate("", xy=(step, probe(step)[0]), xytext=(0, loss_at_0),
                  arrowprops=dict(arrowstyle="-|>", color=CLASS_COLORS[3], lw=2.5, mutation_scale=16))
    zoom.set_title(f"zoom, {near[0]:+.2f} to {near[-1]:+.2f}: one step, {step:+.4f}", fontsize=9.5, pad=3)  # above:
    # below the inset, a label would cross the lines that join it to the point it zooms in on
    zoom.set_xticks([])
    zoom.set_yticks([])
    ax_loss.indicate_inset_zoom(zoom, edgecolor="0.4")
    ax_acc.step(changes, accuracies, where="mid", color=CLASS_COLORS[3], lw=2)
    acc_zoom = ax_acc.inset_axes([0.33, 0.08, 0.36, 0.38])  # the steps are too small to see at this scale
    fine = np.linspace(-0.05, 0.05, 101)
    acc_zoom.step(fine, [probe(change)[1] for change in fine], where="mid", color=CLASS_COLORS[3], lw=2)
    acc_zoom.plot(0, probe(0)[1], "o", color="black", ms=6)
    acc_zoom.set_xlabel(f"zoom, {fine[0]:+.2f} to {fine[-1]:+.2f}: flat steps", fontsize=9.5, labelpad=2)
    acc_zoom.set_xticks([])
    acc_zoom.set_yticks([])
    ax_acc.indicate_inset_zoom(acc_zoom, edgecolor="0.4")
    ax_loss.set_title("Loss: smooth, a slope to follow", fontsize=11)
    ax_acc.set_title("Accuracy: flat steps, no slope to follow", fontsize=11)
    ax_loss.set_ylabel(f"cross-entropy ({n_digits} digits)", fontsize=10)
    ax_acc.set_ylabel(f"accuracy ({n_digits} digits)", fontsize=10)
    ax_acc.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    for ax in (ax_loss, ax_acc):
        ax.set_xlabel(f"change added to {weight_name}", fontsize=10)
        ax.tick_params(labelsize=9)
        ax.grid(alpha=0.3)
    fig.legend(*ax_loss.get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=10, frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))  # room for the legend below the panels
    return fig


RUN_COLORS = (CLASS_COLORS[0], CLASS_COLORS[6], CLASS_COLORS[3], CLASS_COLORS[8])  # dark blue, rose, green, purple


def plot_histories(histories, title="Learning curves", stops=None):
    """Training and validation curves of one or more runs on the same axes (notebooks 05 and 07).

    `histories` maps each run's name to its `model.fit(...).history` dict ("" for a single run).
    Each run gets one colour: training solid with dots, validation dashed with squares, a star on
    the best epoch (lowest validation loss). Loss and error rate (100 x (1 - accuracy), in %) are
    drawn on log scales, so the late epochs, where overfitting shows, are not squashed by the
    first; their ticks read as plain numbers (0.05, 0.1, 0.2, ...), not powers of ten.
    `stops` maps a run's name to `(epoch, text)`: a dotted vertical line there, in the run's
    colour, named in the legend (e.g. where early stopping ends the run). Returns the figure.
    """
    stops = stops or {}
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8.5, 4.0 if len(histories) == 1 else 4.8))
    panels = ((ax_loss, "loss", "cross-entropy loss (log scale)"),
              (ax_acc, "accuracy", "error rate, % (log scale)"))
    for (name, history), color in zip(histories.items(), RUN_COLORS):
        epochs = np.arange(1, len(history["loss"]) + 1)
        prefix = f"{name}, " if name else ""
        best = int(np.argmin(history["val_loss"])) + 1 if "val_loss" in history else None
        for ax, metric, _ in panels:
            for key, style, kind in ((metric, "o-", "training"), (f"val_{metric}", "s--", "validation")):
                if key not in history:
                    continue
                values = np.asarray(history[key], dtype=float)
                if metric == "accuracy":
                    values = 100 * (1 - values)
                ax.plot(epochs, values, style, color=color, markersize=4, lw=1.6, label=prefix + kind)
                if best is not None and kind == "validation":
                    ax.plot(best, values[best - 1], "*", color=color, markersize=16, markeredgecolor="black",
                            label=f"{prefix}best epoch by loss ({best})")
            if name in stops:
                epoch, text = stops[name]
                ax.axvline(epoch, color=color, ls=":", lw=2, label=f"{text} ({epoch})")
    longest = max(len(history["loss"]) for history in histories.values())
    for ax, _, label in panels:
        ax.set_xlim(0.5, longest + 0.8)  # room for the markers at both ends
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))  # 0.1, 0.2, 0.5, 1, 2, 5, ...
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))  # "0.02", not "2x10^-2"
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3, which="both")
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax_loss.set_title("Loss (lower is better)")
    ax_acc.set_title("Error rate (lower is better)")
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


def plot_seed_runs(groups, title, ylabel="accuracy"):
    """One dot per training run (seed) and a bar at the mean, for each group (notebook 07).

    `groups` maps a label to the values of its runs; the dots show the spread a claim must beat.
    """
    from matplotlib.ticker import PercentFormatter

    fig, ax = plt.subplots(figsize=(8, 3.8))
    colors, markers = [CLASS_COLORS[i] for i in (0, 6, 3, 7, 4, 1)], "os^DvP"
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
