"""What each of notebook 05's choices adds: `python -m benchmarks.ablations` (or `make ablations`).

Notebook 05 goes from its plain recipe to its final one by several changes at once: random
shifts, a warm-up + cosine learning-rate schedule, a smaller batch, more epochs (early stopping
is a guard that does not fire with the defaults; dropout was tried and left out). To see what
each setting adds, this runs notebook 05's own code with its default parameters, then with
exactly one setting changed at a time, for three seeds, alternating, and writes
mnist_helpers/measured/ablations.json (package data), which notebook 05 plots. Every run
records its validation accuracy, which decides, and its test accuracy, which only reports.
About 20 minutes on 2 cores.

05 runs here as the runner runs it, with papermill in a kernel of its own, without its check
cells, up to the cell that writes its metrics, so what is measured is exactly what the
notebook teaches. Only the default variant trains the
plain recipe in full; the others cut it to one epoch, since its figures are not used there
and it does not touch the regularised network's training (05 reseeds before building it).
"""

import mnist_helpers as mh  # first: keeps TensorFlow's start-up log quiet

import argparse
import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from benchmarks.recipes import seeds
from mnist_helpers.doctor import machine, versions
from mnist_helpers.layout import MEASURED, NOTEBOOKS
from mnist_helpers.series.kernels import execute_notebook, lesson_only

NOTEBOOK = NOTEBOOKS / "05_training.ipynb"
OUT = MEASURED / "ablations.json"
METRICS = "05_training.metrics.json"  # what 05 writes into its run folder

# Each variant changes exactly one setting of the final recipe (05's defaults), and nothing else.
VARIANTS = {
    "final recipe": {},
    "without shifts": {"MAX_SHIFT": 0},
    "with dropout 0.2": {"DROPOUT": 0.2},  # the classic recipe's rate, which the final recipe leaves out
    "constant learning rate": {"SCHEDULE": "constant"},  # the same peak rate, 0.002, held from start to end
    "batch 512": {"BATCH_SIZE": 512},  # the plain recipe's batch
    "10 epochs": {"EPOCHS": 10},
}
SKIP_PLAIN = {"PLAIN_EPOCHS": 1}  # where the plain recipe's figures are not wanted


def measured_part(run_dir):
    """Notebook 05's lesson up to the cell that writes its metrics, without the cells that read this
    script's own report: all the figures come from, and it runs before that report exists."""
    notebook = lesson_only(nbformat.read(NOTEBOOK, as_version=4))
    end = next(index for index, cell in enumerate(notebook.cells) if METRICS in cell.source)
    notebook.cells = [cell for cell in notebook.cells[:end + 1] if OUT.name not in cell.source]
    path = Path(run_dir) / f"{NOTEBOOK.stem}.measured.ipynb"
    nbformat.write(notebook, path)
    return path


def run_variant(seed, parameters, run_dir):
    """Notebook 05's measured part with `parameters`, in a kernel of its own; its metrics."""
    lesson = measured_part(run_dir)
    execute_notebook(lesson, lesson, {"SEED": seed, "RUN_DIR": str(run_dir), **parameters})
    return mh.read_json(Path(run_dir) / METRICS)


def summarise(runs):
    """Per variant: the runs, and the mean, min and max of its validation and test accuracy."""
    summary = {}
    for name, results in runs.items():
        summary[name] = {"parameters": VARIANTS.get(name, {}), "runs": results}
        for figure in ("validation_accuracy", "test_accuracy"):
            values = [run[figure] for run in results]
            summary[name].update({f"{figure}_mean": statistics.mean(values), f"{figure}_min": min(values),
                                  f"{figure}_max": max(values)})
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ablations", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per variant (default 3)")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="JSON report, which notebook 05 reads (default mnist_helpers/measured/ablations.json)")
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
            keep = ("validation_accuracy", "test_accuracy", "test_errors", "epochs_run", "best_epoch", "fit_seconds")
            runs[name].append({"seed": seed, **{key: metrics[key] for key in keep}})
            if not parameters:
                runs["plain recipe"].append({"seed": seed, "validation_accuracy": metrics["plain_validation_accuracy"],
                                             "test_accuracy": metrics["plain_test_accuracy"],
                                             "best_epoch": metrics["plain_best_epoch"],
                                             "val_loss": metrics["plain_val_loss"]})
            print(f"seed {seed}  {name:<24} validation {metrics['validation_accuracy']:.2%}  "
                  f"test {metrics['test_accuracy']:.2%}  "
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
        print(f"{name:<24} validation {row['validation_accuracy_mean']:.2%} ({row['validation_accuracy_min']:.2%}-"
              f"{row['validation_accuracy_max']:.2%})  test {row['test_accuracy_mean']:.2%}")
    print(f"wrote {args.out} in {report['minutes']:.0f} minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
