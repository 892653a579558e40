"""Benchmark: `python -m benchmarks` (or `make bench`) from the repository's root folder.

Trains the four recipes of benchmarks/recipes.py (two published peers, and notebooks 05 and
07 themselves), alternating seed by seed so that machine noise hits every recipe alike. The
notebooks' default seed comes first, and its two series figures come from the README's first
command, `make run`: the whole series headlessly with its defaults, timed with its peak
memory. Then the other seeds. Then it takes the fit time of both series models apart
(benchmarks/profile.py), and checks each target (benchmarks/report.py), printing met or not
met. Prints the report and writes docs/benchmarks.md, and its figures beside it to
docs/benchmarks.json (no notebook reads them). Figures come from this run, never typed in. About 30 minutes on 2 cores.
"""

import mnist_helpers as mh  # first: keeps TensorFlow's start-up log quiet

import argparse
import datetime
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.commands import ROOT, whole_series
from benchmarks.flops import matmul_gflops
from benchmarks.profile import profile
from benchmarks.recipes import RECIPES, default_seed, seeds
from benchmarks.report import summarise, verdicts
from benchmarks.search import document
from mnist_helpers.doctor import machine, versions
from mnist_helpers.layout import DOCS, NOTEBOOKS
from mnist_helpers.series.parameters import default_values

FIGURES = DOCS / "benchmarks.json"  # beside the report it is made with: no notebook reads it
SERIES_MODELS = {  # the benchmark's name for each series model: its file, and the notebook that trains it
    "series MLP": ("model.keras", "05_training.ipynb"),
    "series CNN": ("cnn.keras", "07_convolutions.ipynb"),
}


def load_seconds(repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        mh.load_mnist()
        times.append(time.perf_counter() - start)
    return min(times)


def profile_series(run_dir, data, ceiling):
    """The fit-time breakdown of the series models that `make run` saved in run_dir."""
    x_train, y_train = data[0]
    breakdowns = {}
    for name, (model_file, notebook) in SERIES_MODELS.items():
        model = mh.load_model(run_dir / model_file)
        batch = default_values(NOTEBOOKS / notebook)["BATCH_SIZE"]
        x = x_train.reshape(-1, *model.input_shape[1:])
        # the saved model keeps its notebook's compile settings, steps_per_execution among them
        breakdowns[name] = profile(model, x, y_train, batch, ceiling, model.steps_per_execution)
        print(f"profile  {name:<11} {breakdowns[name]['step_ms']:.1f} ms per step", flush=True)
    return breakdowns


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per recipe (default 3)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md", help="Markdown report")
    parser.add_argument("--figures", type=Path, default=FIGURES,
                        help="JSON figures (default docs/benchmarks.json)")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    started = time.perf_counter()
    ceiling = matmul_gflops()
    print(f"compute ceiling: NumPy float32 matmul {ceiling:.1f} GFLOP/s", flush=True)
    (x_train, y_train), (x_test, y_test) = mh.load_mnist()
    data = (mh.prepare_dense(x_train, y_train), mh.prepare_dense(x_test, y_test))
    runs = {name: [] for name in RECIPES}
    logs = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    seed_list = seeds(args.seeds)
    for seed in seed_list:
        with tempfile.TemporaryDirectory(prefix=f"bench-seed{seed}-") as tmp:
            run_dir = Path(tmp)
            if seed == default_seed():
                print(f"seed {seed}  make run: the whole series with its defaults ...", flush=True)
                run_dir = run_dir / "series"
                series = whole_series(run_dir, logs / "make-run.log")
                print(f"seed {seed}  make run took {series['seconds']:.0f} s, "
                      f"peak memory {series['peak_memory_mib']:.0f} MiB", flush=True)
                breakdowns = profile_series(run_dir, data, ceiling)
            for name, recipe in RECIPES.items():
                result = recipe(seed, data, run_dir)
                runs[name].append({"seed": seed, **result})
                print(f"seed {seed}  {name:<16} test accuracy {result['test_accuracy']:.2%}  "
                      f"fit {result['fit_seconds']:.1f} s", flush=True)
    report = {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "minutes": (time.perf_counter() - started) / 60,  # the whole benchmark, this command
        "command": " ".join(["python -m benchmarks", *(sys.argv[1:] if argv is None else argv)]),
        "seeds": seed_list,
        "matmul_gflops": ceiling,
        "recipes": summarise(runs, ceiling),
        "profile": breakdowns,
        "load_seconds": load_seconds(),
        "series": series,
        "machine": machine(),
        "versions": versions(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    mh.write_json(args.figures, report)  # the figures first: half an hour's work is kept
    report["verdicts"] = verdicts(report)
    text = document(report)
    print("\n" + text)
    mh.write_json(args.figures, report)
    args.out.write_text(text)
    print(f"wrote {args.out} and {args.figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
