"""What each of notebook 04's choices adds: `python -m benchmarks.ablations` (or `make ablations`).

Notebook 04 goes from its plain recipe to the regularised one by several changes at once:
random shifts, dropout, a warm-up + cosine learning-rate schedule, and a smaller batch with
more epochs (early stopping, the fifth choice, does not fire with the defaults). To see what
each adds on its own, this runs notebook 04's own code with its default parameters, then with
one choice undone at a time, for three seeds, alternating, and writes
mnist_helpers/measured/ablations.json (package data), which notebook 04 plots. About 20
minutes on 2 cores.

04 runs here as the runner runs it, with papermill in a kernel of its own, without its check
cells, so what is measured is exactly what the notebook teaches. Only the default variant trains the
plain recipe in full; the others cut it to one epoch, since its figures are not used there
and it does not touch the regularised network's training (04 reseeds before building it).
"""

import mnist_helpers as mh  # first: keeps TensorFlow's start-up log quiet

import argparse
import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.recipes import seeds
from mnist_helpers.doctor import machine, versions
from mnist_helpers.layout import MEASURED, NOTEBOOKS
from mnist_helpers.series.kernels import execute_notebook

NOTEBOOK = NOTEBOOKS / "04_training.ipynb"
OUT = MEASURED / "ablations.json"

# Each variant undoes one choice of the regularised recipe, back to what the plain recipe does.
VARIANTS = {
    "regularised": {},
    "without shifts": {"MAX_SHIFT": 0},
    "without dropout": {"DROPOUT": 0.0},
    "constant learning rate": {"SCHEDULE": "constant", "LEARNING_RATE": 0.001},  # Adam's default, as the plain recipe
    "batch 512, 12 epochs": {"BATCH_SIZE": 512, "EPOCHS": 12},  # the plain recipe's batch and epochs
}
SKIP_PLAIN = {"PLAIN_EPOCHS": 1}  # where the plain recipe's figures are not wanted


def run_variant(seed, parameters, run_dir):
    """Notebook 04's lesson with `parameters`, in a kernel of its own; its metrics."""
    execute_notebook(NOTEBOOK, Path(run_dir) / NOTEBOOK.name, {"SEED": seed, "RUN_DIR": str(run_dir), **parameters},
                     checks=False)
    return mh.read_json(Path(run_dir) / "04_training.metrics.json")


def summarise(runs):
    """Per variant: the runs, and the mean, min and max test accuracy."""
    summary = {}
    for name, results in runs.items():
        accuracy = [r["test_accuracy"] for r in results]
        summary[name] = {"parameters": VARIANTS.get(name, {}), "runs": results,
                         "test_accuracy_mean": statistics.mean(accuracy),
                         "test_accuracy_min": min(accuracy), "test_accuracy_max": max(accuracy)}
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ablations", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per variant (default 3)")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="JSON report, which notebook 04 reads (default mnist_helpers/measured/ablations.json)")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    started = time.perf_counter()
    seed_list = seeds(args.seeds)
    runs = {name: [] for name in ["plain recipe", *VARIANTS]}
    for seed in seed_list:
        for name, parameters in VARIANTS.items():
            with tempfile.TemporaryDirectory(prefix="ablation-") as run_dir:
                metrics = run_variant(seed, parameters if not parameters else {**SKIP_PLAIN, **parameters}, run_dir)
            keep = ("test_accuracy", "test_errors", "epochs_run", "best_epoch", "fit_seconds")
            runs[name].append({"seed": seed, **{key: metrics[key] for key in keep}})
            if not parameters:
                runs["plain recipe"].append({"seed": seed, "test_accuracy": metrics["plain_test_accuracy"],
                                             "best_epoch": metrics["plain_best_epoch"]})
            print(f"seed {seed}  {name:<24} test accuracy {metrics['test_accuracy']:.2%}  "
                  f"epochs {metrics['epochs_run']}  fit {metrics['fit_seconds']:.0f} s", flush=True)
    report = {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "minutes": (time.perf_counter() - started) / 60,
        "command": " ".join(["python -m benchmarks.ablations", *(sys.argv[1:] if argv is None else argv)]),
        "seeds": seed_list,
        "variants": summarise(runs),
        "machine": machine(),
        "versions": versions(),
    }
    mh.write_json(args.out, report)
    for name, row in report["variants"].items():
        print(f"{name:<24} {row['test_accuracy_mean']:.2%} ({row['test_accuracy_min']:.2%}-"
              f"{row['test_accuracy_max']:.2%})")
    print(f"wrote {args.out} in {report['minutes']:.0f} minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
