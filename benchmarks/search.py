"""The design search: `python -m benchmarks.search` (or `make search`) from the repository's root folder.

Trains candidate designs of both series networks, `--seeds` seeds each (3 by default), side by
side with the two published peers, seed by seed, in the same run, so that machine noise hits
every design alike: a design's fit time counts as a share of its peer's in that run. For each
network the design chosen is the one with the best mean *validation* accuracy among those
within the time budget (the fit-time targets of benchmarks/report.py): the test set reports
and chooses nothing, as the notebooks teach. `--designs` trains some designs again, or new
ones, keeping the others' figures (a design whose settings changed since is dropped). Writes
docs/search.json after every seed, then the accuracy-time frontier
docs/frontier.png, and both into docs/benchmarks.md. All designs: about 75 minutes on 2 cores.
"""

import mnist_helpers as mh  # first: keeps TensorFlow's start-up log quiet

import argparse
import datetime
import json
import shlex
import statistics
import sys
import time
from pathlib import Path

import keras
from keras import layers

from benchmarks.recipes import classic_mlp, keras_io_convnet, seeds
from benchmarks.report import ACCURACY_TARGETS, FIT_TIME_TARGETS, verdicts
from benchmarks.report import markdown as benchmark_markdown
from mnist_helpers.doctor import machine, versions
from mnist_helpers.layout import ROOT

FIGURES = ROOT / "docs" / "search.json"  # beside the report: nothing in the package reads it
PICTURE = ROOT / "docs" / "frontier.png"
BENCHMARK_FIGURES, DOCUMENT = ROOT / "docs" / "benchmarks.json", ROOT / "docs" / "benchmarks.md"  # make bench's
SERIES = {"MLP": "series MLP", "CNN": "series CNN"}  # each network's name in make bench's targets
BUDGET = {network: FIT_TIME_TARGETS[name] for network, name in SERIES.items()}  # share of the peer's fit time
ACCURACY_TARGET = {network: ACCURACY_TARGETS[name] for network, name in SERIES.items()}  # mean test accuracy
PEER_RECIPES = {"MLP": ("classic MLP", classic_mlp), "CNN": ("keras-io convnet", keras_io_convnet)}

# The search holds out MNIST's own last 6,000 training digits: it ran before the notebooks shuffled once
# (mh.shuffled) before the split, so its validation figures read a little high (notebook 02 measures why).
# Every design trains with Adam on a warm-up + cosine schedule (notebook 05's), validation_split=0.1,
# random shifts of up to `shift` pixels, and `steps_per_execution` steps per call into the backend.
# The first of each network is the series' design when the search was written (06's with 1 step per call).
MLP_BASE = dict(units=512, dropout=0.2, shift=2, epochs=20, patience=5, batch=256, rate=0.002, steps=32)
CNN_BASE = dict(filters=(32, 64), dense=128, dropout=0.4, shift=2, epochs=12, batch=128, rate=0.003, steps=1)
DESIGNS = {
    "MLP": {
        "04 today (early stopping)": MLP_BASE,
        "12 epochs": {**MLP_BASE, "epochs": 12, "patience": None},
        "12 epochs, no dropout": {**MLP_BASE, "epochs": 12, "patience": None, "dropout": 0.0},
        "10 epochs, batch 512, rate 0.004": {**MLP_BASE, "epochs": 10, "patience": None, "batch": 512, "rate": 0.004},
        "15 epochs, 256 units": {**MLP_BASE, "units": 256, "epochs": 15, "patience": None},
        "15 epochs, no dropout": {**MLP_BASE, "epochs": 15, "patience": None, "dropout": 0.0},
        "20 epochs, no dropout, batch 512, rate 0.004": {**MLP_BASE, "epochs": 20, "patience": None, "dropout": 0.0,
                                                         "batch": 512, "rate": 0.004},
        "04 today, no dropout": {**MLP_BASE, "dropout": 0.0},
    },
    "CNN": {
        "06 today": CNN_BASE,
        "06, 32 steps per call": {**CNN_BASE, "steps": 32},
        "16/32 filters, 12 epochs": {**CNN_BASE, "filters": (16, 32), "steps": 32},
        "16/32 filters, 15 epochs": {**CNN_BASE, "filters": (16, 32), "epochs": 15, "steps": 32},
        "20/40 filters, 12 epochs": {**CNN_BASE, "filters": (20, 40), "steps": 32},
        "24/48 filters, 10 epochs": {**CNN_BASE, "filters": (24, 48), "epochs": 10, "steps": 32},
        "16/32 filters, 12 epochs, batch 256, rate 0.005": {**CNN_BASE, "filters": (16, 32), "batch": 256,
                                                           "rate": 0.005, "steps": 32},
        "16/32 filters, 15 epochs, batch 256, rate 0.005": {**CNN_BASE, "filters": (16, 32), "epochs": 15,
                                                           "batch": 256, "rate": 0.005, "steps": 32},
        "16/32 filters, 15 epochs, batch 256, rate 0.005, dropout 0.25": {
            **CNN_BASE, "filters": (16, 32), "epochs": 15, "batch": 256, "rate": 0.005, "dropout": 0.25, "steps": 32},
        "16/32 filters, dense 256, 15 epochs, batch 256, rate 0.005": {
            **CNN_BASE, "filters": (16, 32), "dense": 256, "epochs": 15, "batch": 256, "rate": 0.005, "steps": 32},
        "32/64 filters, 8 epochs, batch 256, rate 0.005": {**CNN_BASE, "epochs": 8, "batch": 256, "rate": 0.005,
                                                          "steps": 32},
    },
}


def build(network, design):
    """The Keras model of one design: the series' MLP (784 inputs) or CNN (28x28x1 inputs)."""
    shift = design["shift"] / 28
    if network == "MLP":
        shifts = [layers.Reshape((28, 28, 1)), layers.RandomTranslation(shift, shift, fill_mode="constant"),
                  layers.Flatten()] if design["shift"] else []
        return keras.Sequential([keras.Input((784,)), *shifts,
                                 layers.Dense(design["units"], activation="relu"), layers.Dropout(design["dropout"]),
                                 layers.Dense(design["units"], activation="relu"), layers.Dropout(design["dropout"]),
                                 layers.Dense(10, activation="softmax")])
    first, second = design["filters"]
    shifts = [layers.RandomTranslation(shift, shift, fill_mode="constant")] if design["shift"] else []
    return keras.Sequential([keras.Input((28, 28, 1)), *shifts,
                             layers.Conv2D(first, 3, activation="relu"), layers.MaxPooling2D(2),
                             layers.Conv2D(second, 3, activation="relu"), layers.MaxPooling2D(2),
                             layers.Flatten(), layers.Dropout(design["dropout"]),
                             layers.Dense(design["dense"], activation="relu"), layers.Dropout(design["dropout"]),
                             layers.Dense(10, activation="softmax")])


def train(network, design, seed, data):
    """{"validation_accuracy", "test_accuracy", "fit_seconds", "epochs"} of one design and seed."""
    (x_train, y_train), (x_test, y_test) = data
    if network == "CNN":
        x_train, x_test = x_train.reshape(-1, 28, 28, 1), x_test.reshape(-1, 28, 28, 1)
    keras.utils.set_random_seed(seed)
    model = build(network, design)
    steps = design["epochs"] * -(-int(len(x_train) * 0.9) // design["batch"])
    model.compile(optimizer=keras.optimizers.Adam(mh.warmup_cosine(design["rate"], steps)),
                  loss="categorical_crossentropy", metrics=["accuracy"], steps_per_execution=design["steps"])
    callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=design["patience"],
                                               restore_best_weights=True)] if design.get("patience") else []
    start = time.perf_counter()
    history = model.fit(x_train, y_train, validation_split=0.1, epochs=design["epochs"], batch_size=design["batch"],
                        callbacks=callbacks, verbose=0)
    seconds = time.perf_counter() - start
    cut = len(x_train) - int(len(x_train) * 0.1)  # validation_split holds out the last 10 %
    return {"validation_accuracy": float(model.evaluate(x_train[cut:], y_train[cut:], verbose=0)[1]),
            "test_accuracy": float(model.evaluate(x_test, y_test, verbose=0)[1]),
            "fit_seconds": seconds, "epochs": len(history.history["loss"]), "seed": seed}


def summary(runs):
    """Mean, min and max of each figure over the seeds."""
    row = {}
    for key in ("validation_accuracy", "test_accuracy", "fit_seconds"):
        values = [run[key] for run in runs if key in run]
        if values:
            row[key] = {"mean": statistics.mean(values), "min": min(values), "max": max(values)}
    return {**row, "runs": runs}


def measured(design, runs, peer_runs, date):
    """A design's figures, with its fit time as a share of the peer's, seed by seed, in the same run."""
    ratios = [run["fit_seconds"] / peer["fit_seconds"] for run, peer in zip(runs, peer_runs)]
    return {"design": design, **summary(runs), "peer": summary(peer_runs), "fit_time_vs_peer": statistics.mean(ratios),
            "measured": date}


def choose(networks):
    """Per network: the design with the best mean validation accuracy among those within its time budget."""
    for network, rows in networks.items():
        for row in rows["designs"].values():
            row["within_budget"] = row["fit_time_vs_peer"] <= BUDGET[network]
        within = {name: row for name, row in rows["designs"].items() if row["within_budget"]}
        rows["chosen"] = max(within, key=lambda name: within[name]["validation_accuracy"]["mean"]) if within else None
    return networks


def design_labels(network, designs):
    """{name: short label}: M1, M2, ... or C1, C2, ... in the order of DESIGNS (any other name last)."""
    order = list(DESIGNS.get(network, ()))
    ranked = sorted(designs, key=lambda name: order.index(name) if name in order else len(order))
    return {name: f"{network[0]}{number}" for number, name in enumerate(ranked, 1)}


def plot(networks, path):
    """Mean test accuracy (bars: lowest to highest seed) against fit time as a share of the peer's, per network."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(networks), figsize=(6.5 * len(networks), 5), squeeze=False)
    for ax, (network, rows) in zip(axes.flat, networks.items()):
        peer_name = PEER_RECIPES[network][0]
        peer_runs = list({(row["measured"], run["seed"]): run for row in rows["designs"].values()
                          for run in row["peer"]["runs"]}.values())  # each run's peer once
        labels = design_labels(network, rows["designs"])
        points = {**{name: (row["fit_time_vs_peer"], row["test_accuracy"]) for name, row in rows["designs"].items()},
                  peer_name: (1.0, summary(peer_runs)["test_accuracy"])}
        for name, (share, accuracy) in points.items():
            marker, colour = ("s", "tab:red") if name == peer_name else ("*", "tab:green") if name == rows["chosen"] \
                else ("o", "tab:blue")
            below, above = accuracy["mean"] - accuracy["min"], accuracy["max"] - accuracy["mean"]
            ax.errorbar(share, 100 * accuracy["mean"], yerr=[[100 * below], [100 * above]], capsize=3,
                        marker=marker, color=colour, markersize=12 if marker == "*" else 6)
            ax.annotate(labels.get(name, name), (share, 100 * accuracy["mean"]), textcoords="offset points",
                        xytext=(5, 3), fontsize=8)
        ax.axvline(BUDGET[network], color="grey", linestyle="--", linewidth=1)
        ax.axhline(100 * ACCURACY_TARGET[network], color="grey", linestyle=":", linewidth=1)
        ax.set(xlabel=f"fit time, as a share of the {peer_name}'s in the same run", xlim=(0, 1.1),
               ylabel="test accuracy (%): mean, bars from lowest to highest seed",
               title=f"{network}: budget {BUDGET[network]:g}x (dashed), target {ACCURACY_TARGET[network]:.1%} (dotted)")
    fig.suptitle("Designs tried (blue, numbered as in the tables of docs/benchmarks.md), the one chosen by "
                 "validation accuracy within the budget (star), the published peer (red)", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per design (default 3)")
    parser.add_argument("--designs", nargs="+", metavar="NAME", help="train only these designs (default: all); "
                        "the others keep the figures of the run that measured them")
    parser.add_argument("--figures", type=Path, default=FIGURES, help="JSON figures (default %(default)s)")
    parser.add_argument("--picture", type=Path, default=PICTURE, help="the frontier picture (default %(default)s)")
    parser.add_argument("--render", action="store_true", help="train nothing: choose, draw and write the report "
                        "again from the figures already measured (after a change of targets, say)")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    if args.render:
        if not args.figures.is_file():
            parser.error(f"no figures at {args.figures} to render: run the search first")
        return report_on(merged(mh.read_json(args.figures), None, {}), args)
    known = {name for designs in DESIGNS.values() for name in designs}
    unknown = sorted(set(args.designs or ()) - known)
    if unknown:
        parser.error(f"no design named {', '.join(map(repr, unknown))}; the designs are: {', '.join(sorted(known))}")
    to_train = {network: [name for name in designs if not args.designs or name in args.designs]
                for network, designs in DESIGNS.items()}
    to_train = {network: names for network, names in to_train.items() if names}
    started = time.perf_counter()
    (x_train, y_train), (x_test, y_test) = mh.load_mnist()
    data = (mh.prepare_dense(x_train, y_train), mh.prepare_dense(x_test, y_test))
    earlier = mh.read_json(args.figures) if args.figures.is_file() else {"searches": [], "networks": {}}
    search = {"date": datetime.datetime.now().isoformat(timespec="minutes"), "seeds": [],
              "command": f"python -m benchmarks.search {shlex.join(sys.argv[1:] if argv is None else argv)}".strip(),
              "machine": machine(), "versions": versions()}
    runs = {network: {"peer": [], **{name: [] for name in names}} for network, names in to_train.items()}
    for seed in seeds(args.seeds):
        for network, names in to_train.items():
            peer_name, peer = PEER_RECIPES[network]
            result = peer(seed, data, None)
            runs[network]["peer"].append({"seed": seed, **result})
            print(f"seed {seed}  {network} {peer_name:<48} test {result['test_accuracy']:.2%}  "
                  f"fit {result['fit_seconds']:.1f} s", flush=True)
            for name in names:
                result = train(network, DESIGNS[network][name], seed, data)
                runs[network][name].append(result)
                print(f"seed {seed}  {network} {name:<48} validation {result['validation_accuracy']:.2%}  "
                      f"test {result['test_accuracy']:.2%}  fit {result['fit_seconds']:.1f} s", flush=True)
        search.update(seeds=search["seeds"] + [seed], minutes=(time.perf_counter() - started) / 60)
        report = merged(earlier, search, runs)
        mh.write_json(args.figures, report)  # after every seed: an interrupted search keeps what it measured
    return report_on(report, args)


def report_on(report, args):
    """Write the figures, draw the frontier, print the section, and rewrite docs/benchmarks.md with it."""
    mh.write_json(args.figures, report)
    plot(report["networks"], args.picture)
    print("\n" + markdown(report))
    print(f"wrote {args.figures} and {args.picture}")
    if (args.figures.resolve(), args.picture.resolve()) == (FIGURES, PICTURE) and BENCHMARK_FIGURES.is_file():
        DOCUMENT.write_text(document(mh.read_json(BENCHMARK_FIGURES)))
        print(f"rewrote {DOCUMENT} with the search's section")
    return 0


def merged(earlier, search, runs):
    """The earlier report with this search's designs measured anew (`search` None: none); designs no
    longer in DESIGNS, or whose settings changed since they were measured, are dropped."""
    report = {"searches": [*earlier["searches"], *([search] if search else [])], "networks": {}}
    for network, designs in DESIGNS.items():
        kept = earlier["networks"].get(network, {}).get("designs", {})
        rows = {name: kept[name] for name in designs
                if name in kept and kept[name]["design"] == json.loads(json.dumps(designs[name]))}
        for name, design_runs in runs.get(network, {}).items():
            if name != "peer":
                rows[name] = measured(designs[name], design_runs, runs[network]["peer"], search["date"])
        if rows:
            report["networks"][network] = {"designs": rows}
    report["networks"] = choose(report["networks"])
    return {**report, "budget": BUDGET, "accuracy_target": ACCURACY_TARGET}


def document(benchmark_report):
    """docs/benchmarks.md: make bench's report, then the search's section once `make search` has run."""
    # the verdicts against today's targets (benchmarks/report.py), on the figures of the last make bench
    text = benchmark_markdown({**benchmark_report, "verdicts": verdicts(benchmark_report)})
    if FIGURES.is_file():
        text += "\n\n" + markdown(mh.read_json(FIGURES))
    return text


def markdown(report):
    """The search's section of docs/benchmarks.md: the picture, then a table of every design tried."""
    searches = "; ".join(f"`{search['command']}` on {search['date']} ({search['minutes']:.0f} min)"
                         for search in report["searches"])
    lines = ["## The design search", "",
             f"Searches: {searches}. Each design trained side by side with its published peer, seed by seed, in the "
             f"same run; its fit time counts as a share of the peer's there. The design chosen for each network has "
             f"the best mean *validation* accuracy within the time budget; the test accuracy reports and chooses "
             f"nothing. (A design with early stopping kept the epoch its validation set chose, so its validation "
             f"figure flatters it slightly.)", "",
             "![The accuracy-time frontier: test accuracy against fit time as a share of the peer's](frontier.png)", ""]
    for network, rows in report["networks"].items():
        peer_name, target = PEER_RECIPES[network][0], report["accuracy_target"][network]
        lines += [f"### {network}: budget {report['budget'][network]:g}x the {peer_name}'s fit time, "
                  f"target {target:.1%} test accuracy", "",
                  "| # | design | seeds | validation (mean) | test (mean, min to max) | fit s | peer's s | x peer "
                  "| in budget |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for name, label in design_labels(network, rows["designs"]).items():
            row, test = rows["designs"][name], rows["designs"][name]["test_accuracy"]
            mark = " **(chosen)**" if name == rows["chosen"] else ""
            lines.append(f"| {label} | {name}{mark} | {len(row['runs'])} | {row['validation_accuracy']['mean']:.2%} | "
                         f"{test['mean']:.2%} ({test['min']:.2%} to {test['max']:.2%}) | "
                         f"{row['fit_seconds']['mean']:.1f} | {row['peer']['fit_seconds']['mean']:.1f} | "
                         f"{row['fit_time_vs_peer']:.2f}x | {'yes' if row['within_budget'] else 'no'} |")
        chosen = rows["designs"].get(rows["chosen"])
        if chosen is None:
            lines += ["", "No design within the budget."]
        else:
            reached = chosen["test_accuracy"]["mean"]
            lines += ["", f"The chosen design reaches {reached:.2%} test accuracy: the target {target:.1%} is "
                          f"{'met' if reached >= target else '**not met**'}."]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
