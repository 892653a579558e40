"""The benchmark's figures, its verdicts on the targets, and the Markdown report, from one dict."""

import statistics

from benchmarks.profile import obstacle
from benchmarks.recipes import PEERS, RECIPES

ACCURACY_TARGETS = {"series MLP": 0.990, "series CNN": 0.995}  # mean test accuracy over the seeds
FIT_TIME_TARGETS = {"series MLP": 0.6, "series CNN": 0.5}  # at most this share of the peer's fit time
# The share of the compute ceiling stays in the tables without a target: a leaner network may use the
# machine less fully and still finish sooner, and finishing sooner is the point.
SERIES_MINUTES_TARGET = 4  # make run, the whole series with its defaults


def summarise(runs, ceiling_gflops):
    """Per recipe: mean, min and max of test accuracy and fit seconds, FLOP/s, and the fit time against the peer."""
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


def verdicts(report):
    """Each target: what it asks, what was measured, met or not, and if not, what stands in the way."""
    rows = []

    def verdict(target, measured, met, obstacle=""):
        rows.append({"target": target, "measured": measured, "met": bool(met), "in the way": "" if met else obstacle})

    for name, accuracy in ACCURACY_TARGETS.items():
        row, breakdown = report["recipes"][name], report["profile"][name]
        verdict(f"{name}: mean test accuracy >= {accuracy:.1%}", f"{row['test_accuracy_mean']:.2%}",
                row["test_accuracy_mean"] >= accuracy, "the recipe itself (accuracy, not speed)")
        target = FIT_TIME_TARGETS[name]
        verdict(f"{name}: fit time <= {target}x the {row['peer']}'s", f"{row['fit_time_vs_peer']:.2f}x",
                row["fit_time_vs_peer"] <= target, obstacle(breakdown))
    series = report["series"]
    slowest = sorted(series["notebooks"].items(), key=lambda item: -item[1])[:2]
    verdict(f"make run: at most {SERIES_MINUTES_TARGET} minutes", f"{series['seconds'] / 60:.1f} min",
            series["seconds"] <= SERIES_MINUTES_TARGET * 60,
            "the two slowest notebooks: " + ", ".join(f"{name[:2]} {seconds:.0f} s" for name, seconds in slowest))
    return rows


def markdown(report):
    series = report["series"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {report['date']} with `{report['command']}` "
        f"({len(report['seeds'])} seeds per recipe: {', '.join(map(str, report['seeds']))}; alternating) "
        f"in {report['minutes']:.0f} minutes.",
        "",
        "## Targets",
        "",
        "| target | measured | verdict | what stands in the way |",
        "| --- | --- | --- | --- |",
    ]
    for row in report["verdicts"]:
        lines.append(f"| {row['target']} | {row['measured']} | {'met' if row['met'] else '**not met**'} "
                     f"| {row['in the way'] or '—'} |")
    lines += [
        "",
        "## Recipes",
        "",
        "| recipe | test accuracy, mean (min–max) | fit seconds, mean (min–max) | fit time vs peer "
        "| training GFLOP/s (share of ceiling) |",
        "| --- | --- | --- | --- | --- |",
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
            f"{row['train_gflops_per_second']:.1f} ({row['share_of_ceiling']:.0%}) |"
        )
    lines += [
        "",
        "- **classic MLP**: Keras's `examples/mnist_mlp.py`, the recipe people copy (784-512-512-10, dropout 0.2 "
        "after each hidden layer, RMSprop, batch 128, 20 epochs; upstream reports 98.40 %), with "
        "`validation_split=0.1` where the original validates on the test set.",
        "- **series MLP**: notebook 05 itself, executed with its default parameters (only SEED changes).",
        "- **keras-io convnet**: the keras-io \"Simple MNIST convnet\" example as published (two Conv2D + "
        "MaxPooling blocks, dropout 0.5, Adam, batch 128, 15 epochs, `validation_split=0.1`).",
        "- **series CNN**: notebook 07 itself, with its defaults, in the run folder of the same seed's 05.",
        "",
        "## Where the fit time goes",
        "",
        "Milliseconds per training step, taken apart by subtraction (`benchmarks/profile.py`): the model as its "
        "notebook trains it, then without its augmentation layer, then without dropout, then with plain SGD "
        "instead of Adam, all without XLA as the notebooks' models train (RandomTranslation keeps Keras from "
        "compiling them with XLA), then the forward and backward passes alone on one batch held in memory (no "
        "input pipeline, no update, no Keras loop; the faster of with and without XLA). The variants are timed "
        "in rounds, each once per round in turn, and the fastest of each counts, so that a slow spell of the machine "
        "falls on one round of every variant, not on all of one part's timings. Each difference is the cost of "
        "the part taken away. Its noise is how far apart the rounds of its two variants came out (the larger of "
        "the two): a part smaller than its noise, negative ones included, is not told apart from zero by this "
        "machine. What stands in the way of a target is the largest part other than the arithmetic, or the "
        "arithmetic's own time beyond the ceiling's, whichever is larger.",
        "",
    ]
    for name, breakdown in report["profile"].items():
        lines += [
            f"**{name}** (batch {breakdown['batch']}, {breakdown['steps_per_execution']} step(s) per call "
            f"into TensorFlow): {breakdown['step_ms']:.1f} ms per step.",
            "",
            "| part | ms per step | share | noise: rounds apart, ms |",
            "| --- | --- | --- | --- |",
        ]
        for part, ms in breakdown["parts_ms"].items():
            lines.append(f"| {part} | {ms:.1f} | {ms / breakdown['step_ms']:.0%} | {breakdown['noise_ms'][part]:.1f} |")
        lines += [
            "",
            f"At the ceiling, the arithmetic would take {breakdown['arithmetic_at_ceiling_ms']:.1f} ms. "
            f"Measured alternative: the shifts done in a tf.data input pipeline instead of in the model, the model "
            f"compiled with XLA: {breakdown['shifts_in_input_pipeline_step_ms']:.1f} ms per step.",
            "",
        ]
    lines += [
        "## The whole series, and the machine",
        "",
        f"The whole series headlessly with its defaults (`make run`, into a temporary run folder; seed "
        f"{report['seeds'][0]}, so its 05 and 07 are that seed's series MLP and CNN above): "
        f"**{series['seconds'] / 60:.1f} min**, peak memory {series['peak_memory_mib']:,.0f} MiB. "
        "Per notebook, in seconds: "
        + ", ".join(f"{name[:2]} {seconds:.0f}" for name, seconds in series["notebooks"].items()) + ".",
        "",
        f"Compute ceiling: NumPy float32 matrix multiply (2048 x 2048, best of 5): "
        f"{report['matmul_gflops']:.1f} GFLOP/s. Training FLOPs: 2 per multiply-add of the Dense and Conv2D "
        f"layers; per training digit the forward pass, the weight gradients and the input gradients (all but "
        f"the first layer's), each as costly as the forward pass; per validation digit the forward pass.",
        "",
        f"Loading and verifying MNIST (`mh.load_mnist()`, best of 5): {report['load_seconds']:.3f} s.",
        "",
        "Peak memory: the resident memory of the command and every process it started, added up, sampled "
        "twice a second (pages the processes share, such as TensorFlow's libraries, count once per process, so "
        "this errs high). `make test` is not timed here: pytest prints its own duration on every run.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in report["machine"].items()) + ".",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items()) + ".",
        "",
        "Fit seconds are wall-clock time around `model.fit` (validation included), on a machine doing nothing "
        "else. The series models' fit seconds are measured inside notebooks 05 and 07, around the same "
        "`model.fit` call. For the first seed they ran inside `make run`, as a reader runs them; for the others, "
        "05 and 07 ran alone, 05 with its plain recipe cut to one epoch and 07 with its permutation experiment "
        "at its smallest, which leaves the benchmarked networks as they are: both notebooks reseed before "
        "building them.",
        "",
    ]
    return "\n".join(lines)
