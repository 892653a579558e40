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
    """Each 28x28 input above its predicted probabilities, one bar colour per model (notebook 08).

    `probabilities` maps a model's name to its (n, 10) predictions for `images`. At most
    `n_cols` digits per row, so that the ten bar labels stay readable on a 1024x768 screen.
    `cmap="gray"` draws the inputs as the network's numbers (high = white), not as ink.
    """
    n = len(images)
    n_cols = min(n, n_cols)
    n_rows = -(-n // n_cols)
    # at most 8.5 inches wide, so a notebook shows it unscaled on a 1024x768 projector
    fig, axes = plt.subplots(2 * n_rows, n_cols, figsize=(min(max(1.7 * n_cols, 4.5), 8.5), 2.7 * n_rows + 0.8),
                             squeeze=False,
                             gridspec_kw={"height_ratios": [1, 1] * n_rows})
    width = 0.8 / len(probabilities)
    colors = (CLASS_COLORS[0], CLASS_COLORS[6], CLASS_COLORS[3])
    for index in range(n_rows * n_cols):
        image_ax, bar_ax = axes[2 * (index // n_cols), index % n_cols], axes[2 * (index // n_cols) + 1, index % n_cols]
        image_ax.axis("off")
        if index >= n:
            bar_ax.axis("off")
            continue
        image_ax.imshow(images[index], cmap=cmap, vmin=0, vmax=1)
        image_ax.set_title(titles[index], fontsize=10)
        image_ax.set_axis_on()
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
    handles, labels = axes[1, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", fontsize=10, ncol=len(probabilities))  # below: never on the title
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.2 / fig.get_figheight(), 1, 1))
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


def place_labels(ax, positions, texts, colors, fontsize=14, max_rounds=500):
    """Write each text in a white box at its (x, y) data position, nudged apart until no two
    boxes overlap; a moved label gets a thin line back to its position (notebook 01).

    Call it last, after the figure's layout is final (e.g. after `fig.tight_layout()`): it
    fixes the axis limits and works in screen pixels. Returns the text artists, which
    `overlapping_labels` can check.
    """
    fig = ax.figure
    ax.set_xlim(ax.get_xlim())
    ax.set_ylim(ax.get_ylim())
    renderer = fig.canvas.get_renderer()
    to_screen, to_data = ax.transData, ax.transData.inverted()
    anchors = to_screen.transform(np.asarray(positions, dtype=float))
    centres = anchors.copy()
    artists = [ax.text(x, y, str(text), fontsize=fontsize, weight="bold", ha="center", va="center", zorder=5,
                       bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "alpha": 0.9, "edgecolor": color})
               for (x, y), text, color in zip(positions, texts, colors)]
    margin = fontsize * 0.25 * fig.dpi / 72 + 2  # the box's padding, plus 2 pixels of air
    sizes = np.array([[a.get_window_extent(renderer).width, a.get_window_extent(renderer).height] for a in artists])
    half = sizes / 2 + margin
    frame = ax.get_window_extent(renderer)
    for _ in range(max_rounds):
        moved = False
        for i in range(len(artists)):
            for j in range(i + 1, len(artists)):
                gap = np.abs(centres[i] - centres[j]) - (half[i] + half[j])
                if (gap < 0).all():  # the boxes overlap: separate them along the cheaper axis
                    axis = int(np.argmax(gap))
                    direction = np.sign(centres[i, axis] - centres[j, axis]) or (1.0 if i < j else -1.0)
                    shift = -gap[axis] / 2 + 0.5
                    centres[i, axis] += direction * shift
                    centres[j, axis] -= direction * shift
                    moved = True
        centres = np.clip(centres, [frame.x0, frame.y0] + half, [frame.x1, frame.y1] - half)
        if not moved:
            break
    for artist, anchor, centre in zip(artists, anchors, centres):
        artist.set_position(to_data.transform(centre))
        if np.hypot(*(centre - anchor)) > 3:
            (x0, y0), (x1, y1) = to_data.transform(anchor), to_data.transform(centre)
            ax.plot([x0, x1], [y0, y1], color="black", lw=0.8, zorder=4)
    return artists


def overlapping_labels(artists):
    """Pairs of text artists whose drawn boxes overlap (notebook 01 checks its PCA map has none).

    Works on a figure already shown and closed: it is measured on a fresh Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(artists[0].figure).get_renderer()
    boxes = []
    for artist in artists:
        patch = artist.get_bbox_patch()
        artist.draw(renderer)  # lays out the box around the text
        boxes.append((patch or artist).get_window_extent(renderer))
    return [(artists[i].get_text(), artists[j].get_text()) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].overlaps(boxes[j])]


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
