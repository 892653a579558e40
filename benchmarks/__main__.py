"""Benchmark: `python -m benchmarks` (or `make bench`) from the repository's root folder.

Trains, alternating seed by seed so that machine noise hits every recipe alike:
  - "plain MLP": the classic Keras recipe, 784-512-512-10 Dense, RMSprop, 10 epochs,
    batch 128, validation_split=0.1;
  - "series MLP": notebook 04 executed with papermill and its default parameters (only SEED
    changes), so the benchmark measures exactly what the series teaches;
  - "keras-io convnet": the keras-io "Simple MNIST convnet" example as published (two
    Conv2D+MaxPool blocks, dropout 0.5, Adam, 15 epochs, batch 128, validation_split=0.1);
  - "series CNN": notebook 06 with its default parameters, in the run folder of the same
    seed's notebook 04 (06 compares itself with 04's model).
The notebooks' default seed comes first, and its two series figures come from the README's
first command, `make run`: the whole series headlessly with its defaults, timed with its peak
memory. Then the other seeds, then the README's second command, `make test`, timed.
Also measures the machine's float32 matrix-multiply throughput (NumPy, the compute ceiling)
and each recipe's effective training FLOP/s as a share of it, and times loading and verifying
MNIST. Prints a table and writes docs/benchmarks.md and docs/benchmarks.json. Figures come
from this run, never typed in.
"""

import mnist_helpers as mh  # first: keeps TensorFlow's start-up log quiet

import argparse
import contextlib
import datetime
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import psutil
from keras import layers

from mnist_helpers.doctor import machine, versions

ROOT = Path(__file__).resolve().parents[1]


TRAIN, VALID = 54000, 6000  # every recipe: 60,000 training digits, validation_split=0.1


def layer_flops(model):
    """FLOPs of one digit's forward pass through each Dense and Conv2D layer: 2 per multiply-add.

    The other layers (pooling, dropout, augmentation, activations) cost a few percent and are
    left out, so the effective FLOP/s below are slight underestimates.
    """
    flops = []
    for layer in model.layers:
        if isinstance(layer, layers.Dense):
            flops.append(2 * layer.kernel.shape[0] * layer.kernel.shape[1])
        elif isinstance(layer, layers.Conv2D):
            height, width, channels_out = layer.output.shape[1:]
            kernel_h, kernel_w, channels_in, _ = layer.kernel.shape
            flops.append(2 * height * width * kernel_h * kernel_w * channels_in * channels_out)
    return flops


def training_flops(model, epochs):
    """Training digits: forward, then backward (weight gradients, and input gradients except for
    the first layer: nothing needs the gradient of the pixels), each as costly as the forward
    pass; validation digits: forward only."""
    flops = layer_flops(model)
    per_training_digit = 3 * sum(flops) - flops[0]
    return epochs * (per_training_digit * TRAIN + sum(flops) * VALID)


def matmul_gflops(n=2048, repeats=5):
    """The compute ceiling: NumPy float32 matrix multiply on large matrices, best of `repeats`, GFLOP/s."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def timed_fit(model, data, epochs, **compile_args):
    """Compile, fit with batch 128 and validation_split=0.1, time the fit, return the figures."""
    (x_train, y_train), (x_test, y_test) = data
    model.compile(loss="categorical_crossentropy", metrics=["accuracy"], **compile_args)
    start = time.perf_counter()
    model.fit(x_train, y_train, batch_size=128, epochs=epochs, validation_split=0.1, verbose=0)
    seconds = time.perf_counter() - start
    return {"test_accuracy": float(model.evaluate(x_test, y_test, verbose=0)[1]), "fit_seconds": seconds,
            "train_flops": training_flops(model, epochs)}


def plain_mlp(seed, data, run_dir):
    """The recipe most tutorials show (and this series started from), timed around fit."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((784,)),
        layers.Dense(512, activation="relu"),
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    return timed_fit(model, data, epochs=10, optimizer="rmsprop")


def keras_io_convnet(seed, data, run_dir):
    """keras-io examples/vision/mnist_convnet.py, as published."""
    keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = data
    images = ((x_train.reshape(-1, 28, 28, 1), y_train), (x_test.reshape(-1, 28, 28, 1), y_test))
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    return timed_fit(model, images, epochs=15, optimizer="adam")


DEFAULT_SEED = mh.runner.declared_parameters(mh.runner.NOTEBOOKS / "04_training.ipynb")["SEED"]


def seeds(count):
    """The notebooks' default seed, then 0, 1, 2, ... (skipping it): `count` seeds in all."""
    others = (seed for seed in itertools.count() if seed != DEFAULT_SEED)
    return [DEFAULT_SEED, *itertools.islice(others, count - 1)]


def series_notebook(notebook, model_file, **side_parameters):
    """A series notebook with its default recipe; its own metrics JSON holds the figures.

    For the default seed, the whole-series run has already executed it in run_dir. For the
    others it runs alone, with `side_parameters` (parameters that leave its model as it is)."""
    def recipe(seed, data, run_dir):
        path = mh.runner.NOTEBOOKS / notebook
        if seed != DEFAULT_SEED:
            parameters = {"SEED": seed, "RUN_DIR": str(run_dir), **side_parameters}
            mh.runner.execute_notebook(path, Path(run_dir) / notebook, parameters)
        metrics = mh.read_json(Path(run_dir) / f"{path.stem}.metrics.json")
        # 04 may stop early and says how many epochs it ran; 06 always runs its EPOCHS
        epochs = metrics.get("epochs_run") or mh.runner.declared_parameters(path)["EPOCHS"]
        model = mh.load_model(Path(run_dir) / model_file)
        return {"test_accuracy": metrics["test_accuracy"], "fit_seconds": metrics["fit_seconds"],
                "train_flops": training_flops(model, epochs)}
    return recipe


# In this order for each seed: 06 finds the model 04 saved in the seed's run folder.
RECIPES = {
    "plain MLP": plain_mlp,
    "series MLP": series_notebook("04_training.ipynb", "model.keras"),
    "keras-io convnet": keras_io_convnet,
    # 06's side experiment (the permutation experiment) at its smallest: the benchmark wants its
    # CNN, which is trained before the experiment and does not depend on it.
    "series CNN": series_notebook("06_convolutions.ipynb", "cnn.keras", EXPERIMENT_SAMPLES=1000, EXPERIMENT_EPOCHS=1),
}
PEERS = {"series MLP": "plain MLP", "series CNN": "keras-io convnet"}  # whose fit time each is compared with
TARGETS = {
    "series MLP": "test accuracy >= 99.0 % and fit time <= 3x the plain MLP's",
    "series CNN": "test accuracy >= 99.5 % and fit time <= the keras-io convnet's",
}


def readme_command(*command, log):
    """Run one of the README's commands from the repository root, its output into `log`.

    Returns wall-clock seconds, the exit status and the peak memory: the resident memory of
    the command and all the processes it started (notebook kernels, pytest, the browser),
    added up, sampled twice a second. (The operating system's own peak, ru_maxrss, would
    count this benchmark's memory too: a child process starts as a copy of its parent.)"""
    # make passes its command-line variables on, in MAKEFLAGS and in the environment: without
    # this, `make bench ARGS="--seeds 1"` would hand "--seeds 1" to the inner make's pytest.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "ARGS")}
    start = time.perf_counter()
    peak = 0
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        watched = psutil.Process(process.pid)
        while process.poll() is None:
            resident = 0
            for member in [watched, *watched.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # it may end between listing and reading
                    resident += member.memory_info().rss
            peak = max(peak, resident)
            time.sleep(0.5)
    seconds = time.perf_counter() - start
    if process.returncode:
        print(f"{' '.join(command)} failed (exit {process.returncode}); its last lines ({log}):")
        print("".join(Path(log).read_text().splitlines(keepends=True)[-20:]), flush=True)
    return {"command": " ".join(command), "seconds": seconds, "exit_status": process.returncode,
            "peak_memory_mib": peak / 2**20}


def whole_series(folder, log):
    """`make run` with the defaults, into the new run folder `folder`; its figures and per-notebook seconds."""
    result = readme_command("make", "run", f"ARGS=--runs-dir {folder.parent} --name {folder.name}", log=log)
    if result["exit_status"]:
        raise SystemExit("The series failed, so its figures are missing: fix it (see above) and run again.")
    result["notebooks"] = {e["notebook"]: e["seconds"] for e in mh.read_json(folder / "summary.json")["notebooks"]}
    return result


def load_seconds(repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        mh.load_mnist()
        times.append(time.perf_counter() - start)
    return min(times)


def summarise(runs, ceiling_gflops):
    rows = {}
    for name, results in runs.items():
        accuracy = [r["test_accuracy"] for r in results]
        seconds = [r["fit_seconds"] for r in results]
        gflops = statistics.mean(r["train_flops"] / r["fit_seconds"] / 1e9 for r in results)
        rows[name] = {
            "test_accuracy_mean": statistics.mean(accuracy),
            "test_accuracy_min": min(accuracy),
            "test_accuracy_max": max(accuracy),
            "fit_seconds_mean": statistics.mean(seconds),
            "fit_seconds_min": min(seconds),
            "fit_seconds_max": max(seconds),
            "train_gflops_per_second": gflops,
            "share_of_ceiling": gflops / ceiling_gflops,
            "runs": results,
        }
    for name, peer in PEERS.items():
        if name in rows and peer in rows:
            ratios = [a["fit_seconds"] / b["fit_seconds"] for a, b in zip(runs[name], runs[peer])]
            rows[name]["fit_time_vs_peer"] = statistics.mean(ratios)
            rows[name]["fit_time_vs_peer_each_seed"] = ratios
            rows[name]["peer"] = peer
    return rows


def markdown(report):
    series, tests = report["series"], report["make_test"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {report['date']} with `{report['command']}` "
        f"({len(report['seeds'])} seeds per recipe: {', '.join(map(str, report['seeds']))}; alternating) "
        f"in {report['minutes']:.0f} minutes.",
        "",
        "| recipe | test accuracy, mean (min–max) | fit seconds, mean (min–max) | fit time vs peer "
        "| training GFLOP/s (share of ceiling) | target |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name in (name for name in RECIPES if name in report["recipes"]):  # the JSON file sorts its keys
        row = report["recipes"][name]
        ratio = "—"
        if "peer" in row:
            each = ", ".join(f"{r:.2f}" for r in row["fit_time_vs_peer_each_seed"])
            ratio = f"{row['fit_time_vs_peer']:.2f}x {row['peer']} (seeds: {each})"
        lines.append(
            f"| {name} | {row['test_accuracy_mean']:.2%} ({row['test_accuracy_min']:.2%}–"
            f"{row['test_accuracy_max']:.2%}) | {row['fit_seconds_mean']:.1f} ({row['fit_seconds_min']:.1f}–"
            f"{row['fit_seconds_max']:.1f}) | {ratio} | "
            f"{row['train_gflops_per_second']:.1f} ({row['share_of_ceiling']:.0%}) | {TARGETS.get(name, '—')} |"
        )
    lines += [
        "",
        f"Compute ceiling: NumPy float32 matrix multiply (2048 x 2048, best of 5): "
        f"{report['matmul_gflops']:.1f} GFLOP/s. Training FLOPs: 2 per multiply-add of the Dense and Conv2D "
        f"layers; per training digit the forward pass, the weight gradients and the input gradients (all but "
        f"the first layer's), each as costly as the forward pass; per validation digit the forward pass.",
        "",
        f"Loading and verifying MNIST (`mh.load_mnist()`, best of 5): {report['load_seconds']:.3f} s.",
        "",
        f"The whole series headlessly with its defaults (`make run`, into a temporary run folder; seed "
        f"{report['seeds'][0]}, so its 04 and 06 are that seed's series MLP and CNN above): "
        f"**{series['seconds'] / 60:.1f} min** (target: at most 8 min), peak memory "
        f"{series['peak_memory_mib']:,.0f} MiB. Per notebook, in seconds: "
        + ", ".join(f"{name[:2]} {seconds:.0f}" for name, seconds in series["notebooks"].items()) + ".",
        "",
        f"`{tests['command']}` (lint, unit tests, a small headless run of the learner edition, nbval over every "
        f"notebook, the browser check): **{tests['seconds'] / 60:.1f} min**, "
        + ("passed" if tests["exit_status"] == 0 else f"FAILED (exit status {tests['exit_status']})")
        + f"; peak memory {tests['peak_memory_mib']:,.0f} MiB.",
        "",
        "Peak memory: the resident memory of the command and every process it started, added up, sampled "
        "twice a second (pages the processes share, such as TensorFlow's libraries, count once per process, so "
        "this errs high).",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in report["machine"].items()) + ".",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items()) + ".",
        "",
        "Fit seconds are wall-clock time around `model.fit` (validation included), on a machine",
        "doing nothing else. The series models are notebooks 04 and 06 themselves, executed with papermill;",
        "their fit seconds are measured inside the notebooks, around the same `model.fit` call. For the first",
        "seed they ran inside `make run`, as a reader runs them; for the others, 04 and 06 ran alone, 06 with",
        "its side experiment (the permutation experiment) at its smallest, which leaves",
        "the CNN's training as it is: 06 seeds it afresh.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per recipe (default 3)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md", help="Markdown report")
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
            if seed == DEFAULT_SEED:
                print(f"seed {seed}  make run: the whole series with its defaults ...", flush=True)
                run_dir = run_dir / "series"
                series = whole_series(run_dir, logs / "make-run.log")
                print(f"seed {seed}  make run took {series['seconds']:.0f} s, "
                      f"peak memory {series['peak_memory_mib']:.0f} MiB", flush=True)
            for name, recipe in RECIPES.items():
                result = recipe(seed, data, run_dir)
                runs[name].append({"seed": seed, **result})
                print(f"seed {seed}  {name:<16} test accuracy {result['test_accuracy']:.2%}  "
                      f"fit {result['fit_seconds']:.1f} s", flush=True)
    print("make test ...", flush=True)
    tests = readme_command("make", "test", log=logs / "make-test.log")
    print(f"make test took {tests['seconds']:.0f} s, exit status {tests['exit_status']}", flush=True)
    report = {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "minutes": (time.perf_counter() - started) / 60,  # the whole benchmark, this command
        "command": " ".join(["python -m benchmarks", *(sys.argv[1:] if argv is None else argv)]),
        "seeds": seed_list,
        "matmul_gflops": ceiling,
        "recipes": summarise(runs, ceiling),
        "load_seconds": load_seconds(),
        "series": series,
        "make_test": tests,
        "machine": machine(),
        "versions": versions(),
    }
    text = markdown(report)
    print("\n" + text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    mh.write_json(args.out.with_suffix(".json"), report)
    args.out.write_text(text)
    print(f"wrote {args.out} and {args.out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
