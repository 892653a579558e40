"""Notebook 04's figures and tables: they draw and print what the notebook computes (the activations, the
experiments' results, the layers' moves), so that some 100 lines of layout stay out of the lesson."""

import matplotlib.pyplot as plt
import numpy as np

from mnist_helpers.plots import CLASS_COLORS


def plot_activations(z, curves):
    """Activation functions (left) and their derivatives (right) against the unit's input `z` (notebook 04).

    `curves` maps each name (sigmoid, tanh, ReLU) to its (values, derivatives) at `z`. Tanh is dashed, so it is told
    apart from the sigmoid without colour; ReLU's derivative is drawn as its two flat sides, not a line joining
    them. Returns the figure: each panel's lines in the order of `curves`.
    """
    fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=(11, 3.6))
    for (name, (f, derivative)), color in zip(curves.items(), [CLASS_COLORS[0], CLASS_COLORS[3], CLASS_COLORS[6]]):
        style = "--" if name == "tanh" else "-"
        if name == "ReLU":  # its derivative jumps from 0 to 1 at 0
            derivative = np.where(np.abs(z) < 0.05, np.nan, derivative)
        ax_f.plot(z, f, style, label=name, color=color, lw=2)
        ax_d.plot(z, derivative, style, label=name, color=color, lw=2)
    ax_f.set_ylim(-1.5, 3)
    ax_f.set_title("Activation functions", fontsize=12)
    ax_d.set_title("Their derivatives", fontsize=12)
    for ax, ylabel in ((ax_f, "output"), (ax_d, "derivative")):
        ax.set_xlabel("input to the unit (weighted sum)", fontsize=11)
        ax.set_ylabel(ylabel, fontsize=11)
        ax.tick_params(labelsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=10)
    return fig


def _reference_name(groups):
    # the first design that changes nothing ({}): the reference, whose runs every group shares
    return next(name for designs in groups.values() for name, settings in designs.items() if not settings)


def print_design_table(groups, runs, last_gain, margin, compare, sgd_rivals, sgd_reference, pairs, cost_rows):
    """Notebook 04's table of its design experiments, printed.

    `groups` maps each group to {design: the settings it changes ({}: the reference)}; `runs` maps each design to
    one result per seed (dicts with "accuracy", "steps", "params"); `last_gain` maps each design to its gain in the
    last epoch, in points; `margin` and `compare` are the lesson's rule. Each row: the mean validation accuracy, the
    lowest to highest seed, the spread, and against its reference (`sgd_reference` for `sgd_rivals`, the reference
    for every other design) the gap, the margin and the verdict; and the last epoch's gain. Then each of `pairs`
    ({label: (design, rival)}), and the costs: the parameters of `cost_rows` and the training steps of the
    "batch size" group.
    """
    def accuracies(name):
        return [run["accuracy"] for run in runs[name]]

    reference = accuracies(_reference_name(groups))
    print("spread: a design's highest minus lowest seed; gap: its mean minus its reference's; both in points")
    print("margin: how far the gap's size beats the larger of the two spreads (above 0: a clear difference)")
    print("last: the gain in the last epoch, in points (mean of the seeds): how fast the design was still climbing")
    print("gap and margin come from the unrounded accuracies: a hand check on the printed ones may differ by 0.01")
    print(f"the sigmoid under plain SGD is compared with {sgd_reference}, every other design with the reference\n")
    print(f"{'design':<21}{'mean':>8}{'lowest to highest':>21}{'spread':>8}{'gap':>8}{'margin':>8}{'last':>7}"
          "   verdict")
    for group, designs in groups.items():
        print(f"{group}:")
        for name, settings in designs.items():
            acc = accuracies(name)
            if not settings or name == sgd_reference:
                gap, beyond, verdict = "", "", "(reference)" if not settings else "(reference under SGD)"
            else:
                against = accuracies(sgd_reference) if name in sgd_rivals else reference
                gap = f"{100 * (np.mean(acc) - np.mean(against)):+.2f}"
                beyond = f"{margin(acc, against):.2f}"
                verdict = compare(acc, against)
            print(f"  {name:<19}{np.mean(acc):>8.2%}{min(acc):>10.2%} to {max(acc):>7.2%}{100 * np.ptp(acc):>8.2f}"
                  f"{gap:>8}{beyond:>8}{last_gain[name]:>+7.1f}   {verdict}")
    print()
    for label, (name, rival) in pairs.items():
        design, against = accuracies(name), accuracies(rival)
        gap = 100 * (np.mean(design) - np.mean(against))
        print(f"{label}: gap {gap:+.2f}, margin {margin(design, against):.2f}, {compare(design, against)}")
    print("\nparameters:", "; ".join(f"{name}: {runs[name][0]['params']:,}" for name in cost_rows))
    steps = "; ".join(f"batches of {name.split()[0]}: {runs[name][0]['steps']}" for name in groups["batch size"])
    print(f"training steps: {steps} (every other design: as batches of 128)")


def plot_design_groups(groups, runs, apart, apart_title, order, borrowed, title):
    """Notebook 04's figure: a dot plot of validation accuracy per group of designs. Returns the figure.

    Each design gets a dot per seed, a bar from its lowest to its highest seed and a dash at its mean (which the rule
    compares). `groups` and `runs` are as for print_design_table; the reference is dark blue, the rivals rose.
    `apart` leaves its groups for a last panel, `apart_title`, whose last design (their own reference) is grey.
    `order` maps a group to the designs its panel shows, in order; a name in it that `borrowed` maps to a design
    shows that design's seeds, grey and hollow: dark blue is kept for the reference alone.
    """
    from matplotlib.ticker import PercentFormatter
    import textwrap

    settings_of = {name: settings for designs in groups.values() for name, settings in designs.items()}
    panels = {f"Varying the {group}": order.get(group, [name for name in designs if name not in apart])
              for group, designs in groups.items()}
    panels[apart_title] = list(apart)
    n_rows = int(np.ceil(len(panels) / 3))
    fig, axes = plt.subplots(n_rows, 3, figsize=(12, 3.75 * n_rows))
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax, (panel_title, names) in zip(axes.flat, panels.items()):
        labels = []
        for position, name in enumerate(names):
            acc = np.array([run["accuracy"] for run in runs[borrowed.get(name, name)]])
            if name in borrowed or name == apart[-1]:
                color = CLASS_COLORS[9]  # grey: a design compared with, not the reference
            else:
                color = CLASS_COLORS[0] if not settings_of[name] else CLASS_COLORS[6]
            ax.vlines(position, acc.min(), acc.max(), color=color, lw=2)
            ax.plot(position + np.linspace(-0.08, 0.08, len(acc)), acc, "o", color=color, ms=6,
                    mfc="white" if name in borrowed else color, mew=1.5)
            ax.plot(position, acc.mean(), "_", color=color, ms=22, mew=2)
            labels.append(textwrap.fill(name, 8))
        ax.set_xticks(range(len(names)), labels, fontsize=9.5)
        ax.set_xlim(-0.5, len(names) - 0.5)
        ax.set_title(panel_title, fontsize=12)
        ax.set_ylabel("validation accuracy", fontsize=11)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
        ax.tick_params(axis="y", labelsize=10)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def print_layer_moves(moves, further, further_adam):
    """Notebook 04's table of how far each layer's weights moved in ten steps, as a share of their size.

    `moves` maps (optimiser, activation) to an array seeds x layers; `further` is ReLU's moves over the sigmoid's
    under plain SGD, `further_adam` the same under Adam (each seeds x layers).
    """
    print(f"ten steps of plain SGD: how far each layer's weights moved, as a share of their size "
          f"(mean of {len(further)} seeds)")
    print(f"{'':<20}{'sigmoid':>9}{'ReLU':>9}   ReLU / sigmoid (range over seeds)")
    for layer, sigmoid_move, relu_move, ratio, low, high in zip(
            ("first hidden layer", "second hidden layer", "output layer"), moves["sgd", "sigmoid"].mean(axis=0),
            moves["sgd", "relu"].mean(axis=0), further.mean(axis=0), further.min(axis=0), further.max(axis=0)):
        print(f"{layer:<20}{sigmoid_move:>9.4f}{relu_move:>9.4f}   {ratio:.1f}x ({low:.1f} to {high:.1f})")
    print(f"the same ten steps under Adam 0.001, first hidden layer, ReLU / sigmoid: {further_adam[:, 0].mean():.1f}x "
          f"({further_adam[:, 0].min():.1f} to {further_adam[:, 0].max():.1f})")
