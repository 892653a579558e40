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


def last_gains(runs):
    """Each design's gain in its last epoch, in points (mean of its seeds): how fast it was still climbing.

    `runs` maps each design to one result per seed, each with its "curve" of validation accuracies per epoch; a
    design trained for one epoch has no last gain (nan)."""
    return {name: 100 * np.mean([run["curve"][-1] - run["curve"][-2] for run in results])
            if len(results[0]["curve"]) > 1 else float("nan") for name, results in runs.items()}


def print_design_table(groups, runs, margin, compare, sgd_rivals, sgd_reference, pairs, cost_rows, close_call=None):
    """Notebook 04's table of its design experiments, printed.

    `groups` maps each group to {design: the settings it changes ({}: the reference)}; `runs` maps each design to
    one result per seed (dicts with "accuracy", "curve", "steps", "params"); `margin` and `compare` are the lesson's
    rule. Each row: the mean validation accuracy, the spread, and against its reference (`sgd_reference` for
    `sgd_rivals`, the reference for every other design) the margin and the verdict. Then each of `pairs`
    ({label: (design, rival)}), and the costs: the parameters of `cost_rows` and the training steps of the
    "batch size" group. With `close_call` (in points), a verdict whose margin is above 0 but under it is marked
    ", close call".
    """
    def accuracies(name):
        return [run["accuracy"] for run in runs[name]]

    reference = accuracies(_reference_name(groups))
    print("spread: highest minus lowest seed; margin: by how much the gap between the means beats the larger spread")
    close = f", under {close_call:g}: a close call" if close_call else ""
    print(f"both in points; margin above 0: a clear difference{close}. The sigmoid under plain SGD is compared with "
          f"{sgd_reference}\n")
    print(f"{'design':<21}{'mean':>8}{'spread':>8}{'margin':>8}   verdict")
    for group, designs in groups.items():
        print(f"{group}:")
        for name, settings in designs.items():
            acc = accuracies(name)
            if not settings or name == sgd_reference:
                beyond, verdict = "", "(reference)" if not settings else "(reference under SGD)"
            else:
                against = accuracies(sgd_reference) if name in sgd_rivals else reference
                beyond = f"{margin(acc, against):.2f}"
                verdict = compare(acc, against)
                if close_call and 0 < margin(acc, against) < close_call:
                    verdict += ", close call"
            print(f"  {name:<19}{np.mean(acc):>8.2%}{100 * np.ptp(acc):>8.2f}{beyond:>8}   {verdict}")
    print()
    for label, (name, rival) in pairs.items():
        design, against = accuracies(name), accuracies(rival)
        print(f"{label}: margin {margin(design, against):.2f}, {compare(design, against)}")
    print("\nparameters:", "; ".join(f"{name}: {runs[name][0]['params']:,}" for name in cost_rows))
    steps = "; ".join(f"batches of {name.split()[0]}: {runs[name][0]['steps']}" for name in groups["batch size"])
    print(f"training steps: {steps} (every other design: as batches of 128)")


NB04_ORDER = {"activation": ["sigmoid", "relu (ref.)", "sigmoid, Adam 0.01", "relu, Adam 0.01"]}  # pairs at one rate
NB04_BORROWED = {"relu, Adam 0.01": "Adam 0.01"}  # ReLU at the sigmoid's rate 0.01, from the optimiser group
NB04_LABELS = {"sigmoid": "sigmoid, Adam 0.001", "relu (ref.)": "ReLU (ref.)", "relu, Adam 0.01": "ReLU, Adam 0.01",
               "relu, SGD 0.1": "ReLU, SGD 0.1"}  # the figure's labels: the sigmoid's rate, ReLU as in the text
NB04_KEY = ("Dot: one seed; bar: lowest to highest; dash: the mean. Each panel has its own scale.\nDark blue: the "
            "reference (ref.), its range shaded. Grey: ReLU at Adam 0.01 (hollow dots) and ReLU under plain SGD "
            "at 0.1.")


def plot_design_groups(groups, runs, apart, title, apart_title="Sigmoid against ReLU, plain SGD", order=NB04_ORDER,
                       borrowed=NB04_BORROWED, key=NB04_KEY, labels=NB04_LABELS):
    """Notebook 04's figure: a dot plot of validation accuracy per group of designs. Returns the figure.

    Each design gets a dot per seed, a bar from its lowest to its highest seed and a dash at its mean (which the rule
    compares). `groups` and `runs` are as for print_design_table; the reference is dark blue, the rivals rose, and a
    light band shows the reference's range. `apart` leaves its groups for a last panel, `apart_title`, whose last
    design (their own reference) is grey. `order` maps a group to the designs its panel shows, in order; a name in
    it that `borrowed` maps to a design shows that design's seeds, grey and hollow: dark blue is kept for the
    reference alone. The suptitle is `title`, then `key` (the figure's legend) when it is not empty. `labels` maps a
    design's name to the label under its dots (default: the name).
    """
    from matplotlib.ticker import PercentFormatter
    import textwrap

    settings_of = {name: settings for designs in groups.values() for name, settings in designs.items()}
    panels = {f"Varying the {group}": order.get(group, [name for name in designs if name not in apart])
              for group, designs in groups.items()}
    panels[apart_title] = list(apart)
    n_rows = int(np.ceil(len(panels) / 3))
    fig, axes = plt.subplots(n_rows, 3, figsize=(9.8, 3.6 * n_rows), squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax, (panel_title, names) in zip(axes.flat, panels.items()):
        tick_labels = []
        if panel_title != apart_title:  # a light band: the reference's range (the last panel's would not show)
            base_acc = [run["accuracy"] for run in runs[_reference_name(groups)]]
            ax.axhspan(min(base_acc), max(base_acc), color=CLASS_COLORS[0], alpha=0.1, lw=0)
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
            tick_labels.append(textwrap.fill(labels.get(name, name), 8 if len(names) < 5 else 5,  # 5: narrower
                                             break_long_words=False))
        ax.set_xticks(range(len(names)), tick_labels, fontsize=9)
        ax.set_xlim(-0.5, len(names) - 0.5)
        ax.set_title(panel_title, fontsize=10.5)
        if ax in axes[:, 0]:  # one label per row: the panels keep their width
            ax.set_ylabel("validation accuracy", fontsize=10.5)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
        ax.tick_params(axis="y", labelsize=9.5)
        ax.grid(axis="y", alpha=0.3)
    full_title = f"{title}. {key}" if key else title
    fig.suptitle("\n".join(textwrap.fill(line, 160) for line in full_title.split("\n")), fontsize=10)
    fig.tight_layout()
    return fig


NB04_CURVE_LABELS = {**NB04_LABELS, "512": "batches of 512", "0, Adam 0.01": "0 (linear), Adam 0.01"}


def plot_curves(runs, panels, labels=NB04_CURVE_LABELS):
    """Validation error rate (%) after each epoch, mean of the seeds (notebook 04). Returns the figure.

    `panels` maps each panel's title to the designs it shows, its reference first, drawn thick: dark blue in the
    first panel, grey in the others (as in plot_design_groups); the others get a colour-blind-safe colour and a
    marker each. A panel of two designs also shades each one's range over the seeds (more bands would hide the
    lines); a panel of more designs shifts each one's markers a little sideways, so that lines ending close together
    stay apart. `labels` maps a design's name to its label in the legend and the printout (default: the name).
    Prints, per panel, how many points each design's error rate fell in its last epoch (last_gains), one per line."""
    fall = last_gains(runs)
    print("the error rate's fall in the last epoch, in points (mean of the seeds)")
    markers = ["o", "s", "^", "D", "v", "P", "X"]  # the reference's circle is not reused up to seven designs
    fig, axes = plt.subplots(1, len(panels), figsize=(9.8, 3.8), gridspec_kw={"width_ratios": [
        len(names) + 1 for names in panels.values()]})
    for k, (ax, (panel_title, names)) in enumerate(zip(np.atleast_1d(axes), panels.items())):
        for i, name in enumerate(names):
            errors = 100 * (1 - np.array([run["curve"] for run in runs[name]]))  # seeds x epochs
            epochs = np.arange(1, errors.shape[1] + 1)
            shift = 0.03 * (i - (len(names) - 1) / 2) if len(names) > 2 else 0  # markers side by side, not on top
            color = CLASS_COLORS[0 if k == 0 else 9] if i == 0 else [CLASS_COLORS[c] for c in (6, 2, 7, 4, 1, 8)][i - 1]
            if len(names) <= 2:
                ax.fill_between(epochs, errors.min(axis=0), errors.max(axis=0), color=color, alpha=0.12, lw=0)
            ax.plot(epochs + shift, errors.mean(axis=0), "-", marker=markers[i % len(markers)], color=color,
                    lw=3 if i == 0 else 1.8, ms=6, label=labels.get(name, name))
        ax.set_xticks(epochs)
        ax.set_xlabel("epoch", fontsize=10.5)
        ax.set_ylabel("validation error rate (%)", fontsize=10.5)
        ax.set_title(panel_title, fontsize=11)
        ax.tick_params(labelsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9.5)
        print(f"{panel_title}:")
        for name in names:
            print(f"  {labels.get(name, name):<24}{fall[name]:>5.1f}")
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
