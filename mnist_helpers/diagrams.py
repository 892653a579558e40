"""Diagrams of what happens inside: a network and how its gradient flows (notebook 03), and the steps a photo goes
through on its way to a 28x28 input (notebook 08)."""

import matplotlib.pyplot as plt
import numpy as np

from mnist_helpers.plots import CLASS_COLORS


def network_diagram(sizes, labels, shown=6):
    """A dense network: each layer a column of units, joined to every unit of the next (notebook 03)."""
    fig, ax = plt.subplots(figsize=(2.2 * len(sizes), 3.6))
    heights = [np.linspace(1, -1, min(size, shown + 1)) for size in sizes]
    heights = [np.delete(ys, len(ys) // 2) if size > shown else ys for ys, size in zip(heights, sizes)]
    for x, (ys0, ys1) in enumerate(zip(heights, heights[1:])):
        for y0, y1 in ((y0, y1) for y0 in ys0 for y1 in ys1):
            ax.plot([x, x + 1], [y0, y1], color="#BBBBBB", lw=0.5, zorder=1)
    for x, (ys, size, label, color) in enumerate(zip(heights, sizes, labels, CLASS_COLORS)):
        if size > shown:
            ax.text(x, 0, "⋮", ha="center", va="center", fontsize=18, zorder=3)
        ax.scatter([x] * len(ys), ys, s=160, color=color, edgecolor="black", zorder=2)
        ax.text(x, -1.3, f"{label}\n{size:,} units", ha="center", va="top", fontsize=11)
    ax.set(xlim=(-0.6, len(sizes) - 0.4), ylim=(-1.9, 1.2))
    ax.axis("off")
    fig.tight_layout()
    return fig


def chain_rule_diagram():
    """One first-layer weight's road to the loss, each link labelled with its slope (notebook 03's backpropagation)."""
    fig, ax = plt.subplots(figsize=(10, 4.6))
    logit_ys = np.linspace(1.35, -1.35, 10)
    nodes = {"pixel": (0, 0), "z": (1.8, 0), "h": (3.6, 0), "loss": (7.6, 0)}
    grey = "#999999"
    ax.plot([0, 1.8, 3.6], [0, 0, 0], color="black", lw=1.5, zorder=1)
    for y in logit_ys:  # ten paths: hidden unit j -> logit k -> loss
        ax.plot([3.6, 5.6, 7.6], [0, y, 0], color=grey, lw=1, zorder=1)
    for name, (x, y) in nodes.items():
        ax.scatter(x, y, s=500, color=CLASS_COLORS[{"pixel": 1, "z": 2, "h": 2, "loss": 6}[name]], edgecolor="black",
                   zorder=2)
    ax.scatter([5.6] * 10, logit_ys, s=170, color=CLASS_COLORS[5], edgecolor="black", zorder=2)
    for k, y in enumerate(logit_ys):
        ax.text(5.6, y, str(k), ha="center", va="center", fontsize=8, zorder=3)
    below = dict(ha="center", va="top", fontsize=11)
    ax.text(0, -0.3, "weight $W1[i, j]$", **below)
    ax.text(1.8, -0.3, "$z_j$, unit $j$'s sum", **below)
    ax.text(3.6, -0.3, "$h_j$ = ReLU($z_j$)", **below)
    ax.text(5.6, 1.5, "ten logits", ha="center", va="bottom", fontsize=11)
    ax.text(7.6, -0.3, "loss", **below)
    above = dict(ha="center", va="bottom", fontsize=10.5)
    ax.text(0.9, 0.1, "times pixel $x_i$\nslope: $x_i$", **above)
    ax.text(2.7, 0.1, "ReLU\nslope: 1 if $z_j > 0$,\nelse 0", **above)
    ax.text(4.35, 0.75, "weights $W2[j, k]$\nslope: $W2[j, k]$", **above)
    ax.text(6.85, 0.75, "slope:\n$p_k - y_k$", **above)
    ax.annotate("", xy=(0, -1.7), xytext=(7.6, -1.7),
                arrowprops=dict(arrowstyle="->", color=grey, lw=1.5))
    ax.text(3.8, -1.8, "backwards: multiply the slopes along each path, add the ten paths", ha="center", va="top",
            fontsize=10.5, color="#555555")
    ax.text(3.8, -2.25, r"slope of the loss for $W1[i, j]$ = $x_i$ × (1 or 0) × $\sum_k W2[j, k]\,(p_k - y_k)$",
            ha="center", va="top", fontsize=12)
    ax.set(xlim=(-0.6, 8.2), ylim=(-2.75, 1.85))
    ax.axis("off")
    ax.set_title("The chain rule for one first-layer weight, one digit\n(a link's slope: how far the node on its right "
                 "moves when the one on its left moves by 1)", fontsize=11.5)
    fig.tight_layout()
    return fig


def step_panels(panels, title, n_cols=None):
    """A photo's preprocessing, one panel per step: `panels` holds (image, title, colormap) triples, the last the
    28x28 input, marked with a + on pixel (14, 14), where MNIST puts the centre of mass (notebook 08)."""
    n_cols = n_cols or len(panels)
    n_rows = int(np.ceil(len(panels) / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(2.85 * n_cols, 2.8 * n_rows), squeeze=False)
    for ax, (image, panel_title, cmap) in zip(axes.flat, panels):
        ax.imshow(image, cmap=cmap, vmin=0, vmax=1)
        ax.set_title(panel_title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    for color, width in (("black", 4.5), ("white", 2)):  # a white + outlined in black: seen on ink and on paper,
        axes.flat[len(panels) - 1].plot(14, 14, "+", color=color, markersize=14, markeredgewidth=width)  # any eyes
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig, axes


def show_preprocessing(steps, title):
    """The four steps a learner's photo goes through (`mh.handwriting.preprocess_steps`): grey levels, the ink
    found, the crop in its box (drawn at the 28x28 scale, framed) and the centred input (notebook 08)."""
    boxed = steps["boxed"]
    framed = np.zeros((28, 28))  # the box drawn at the scale of the 28x28 panel beside it
    top, left = (28 - boxed.shape[0]) // 2, (28 - boxed.shape[1]) // 2
    framed[top:top + boxed.shape[0], left:left + boxed.shape[1]] = boxed
    fig, axes = step_panels([(steps["grayscale"], "your image, in grey", "gray"),
                             (steps["ink"], "the ink found", "gray_r"),
                             (framed, f"cropped to {boxed.shape[1]}×{boxed.shape[0]}\n(longer side 20)", "gray_r"),
                             (steps["mnist"], "centred in 28×28\n(+: pixel (14, 14))", "gray_r")], title)
    axes.flat[2].add_patch(plt.Rectangle((left - 0.5, top - 0.5), boxed.shape[1], boxed.shape[0], fill=False,
                                         ec="grey"))
    return fig
