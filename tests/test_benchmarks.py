"""The benchmark's own arithmetic and bookkeeping (the benchmark itself runs for half an hour: `make bench`)."""

import json
import re
import sys

import keras
import nbformat
import numpy as np
import pytest
from keras import layers

from mnist_helpers.series.parameters import default_values
from benchmarks import ablations, profile, search
from benchmarks.commands import readme_command
from benchmarks.flops import TRAIN, VALID, layer_flops, training_flops
from benchmarks.recipes import seeds
from mnist_helpers.layout import MEASURED, ROOT
from mnist_helpers.series.kernels import lesson_only
from benchmarks.report import markdown, summarise, verdicts


def test_the_notebooks_default_seed_comes_first():
    assert seeds(1) == [42]
    assert seeds(3) == [42, 0, 1]


def test_flops_are_counted_from_the_layer_shapes():
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(8, 3),  # 26 x 26 positions, 3 x 3 x 1 weights, 8 filters
        layers.Flatten(),
        layers.Dense(10),
    ])
    conv, dense = 2 * 26 * 26 * 9 * 8, 2 * (26 * 26 * 8) * 10
    assert layer_flops(model) == [conv, dense]
    # training: forward + weight gradients + input gradients, but no input gradient for the first layer
    per_digit = 3 * (conv + dense) - conv
    assert training_flops(model, epochs=2) == 2 * (per_digit * TRAIN + (conv + dense) * VALID)


def test_readme_command_reports_time_exit_status_and_peak_memory(tmp_path, capsys):
    # 200 MiB, written (so resident), held for a second, in a grandchild: the whole tree counts
    allocate = "import time; x = b'1' * (200 * 2**20); time.sleep(1.5)"
    done = readme_command("sh", "-c", f'"{sys.executable}" -c "{allocate}"', log=tmp_path / "ok.log")
    assert done["exit_status"] == 0 and done["seconds"] >= 1.5
    # and only the tree: not this test process's own memory (TensorFlow is loaded here)
    assert 200 <= done["peak_memory_mib"] < 400

    failed = readme_command(sys.executable, "-c", "print('the last words'); raise SystemExit(3)",
                            log=tmp_path / "failed.log")
    assert failed["exit_status"] == 3
    assert "the last words" in capsys.readouterr().out  # the failure's log tail is shown


def breakdown(step_ms, augmentation_ms, arithmetic_at_ceiling_ms=None, noise_ms=1.5):
    arithmetic = step_ms - 2.5 - augmentation_ms
    if arithmetic_at_ceiling_ms is None:
        arithmetic_at_ceiling_ms = arithmetic - 1
    parts = {"augmentation (RandomTranslation)": augmentation_ms, "dropout": 0.5, "Keras's training loop": 2.0,
             "the layers' arithmetic (forward and backward passes)": arithmetic}
    # the small parts' noise is large, so that reading the wrong part's noise shows
    noise = {"augmentation (RandomTranslation)": 9.0, "dropout": 9.0, "Keras's training loop": noise_ms,
             "the layers' arithmetic (forward and backward passes)": noise_ms + 0.1}
    return {"batch": 128, "steps_per_execution": 1, "step_ms": step_ms, "parts_ms": parts,
            "arithmetic_at_ceiling_ms": arithmetic_at_ceiling_ms, "noise_ms": noise,
            "shifts_in_input_pipeline_step_ms": step_ms / 2}


def test_what_stands_in_the_way_is_the_largest_part_or_the_arithmetic_beyond_the_ceiling():
    # parts: augmentation 1.0, dropout 0.5, loop 2.0; arithmetic 6.5 ms
    assert profile.obstacle(breakdown(10.0, 1.0)) == "Keras's training loop: 2.0 of 10.0 ms per step"
    assert (profile.obstacle(breakdown(10.0, 1.0, arithmetic_at_ceiling_ms=4.0))
            == "the layers' arithmetic itself: 6.5 of 10.0 ms per step, 4.0 at the ceiling")
    # a part smaller than its timings' noise is said to be so
    assert (profile.obstacle(breakdown(10.0, 1.0, noise_ms=3.0))
            == "Keras's training loop: 2.0 of 10.0 ms per step (within its timings' 3.0 ms noise)")
    assert (profile.obstacle(breakdown(10.0, 1.0, arithmetic_at_ceiling_ms=4.0, noise_ms=3.0))
            == "the layers' arithmetic itself: 6.5 of 10.0 ms per step, 4.0 at the ceiling (within its timings' "
               "3.1 ms noise)")


def test_each_part_is_the_difference_of_two_variants_and_carries_their_noise():
    times = {"whole": [10.0, 10.5, 12.0], "no shift": [9.0, 9.2, 9.1], "no dropout": [8.5, 8.0, 8.6],
             "sgd": [7.5, 7.0, 7.1], "arithmetic": [6.0, 6.2, 6.1], "arithmetic, XLA": [5.0, 5.9, 5.2],
             "pipeline": [20.0, 30.0, 40.0]}
    parts, noise = profile.take_apart(times)
    assert list(parts.values()) == pytest.approx([1.0, 1.0, 1.0, 2.0, 5.0])  # the fastest of each; XLA's arithmetic
    assert sum(parts.values()) == pytest.approx(min(times["whole"]))  # the parts add up to the step
    assert list(noise.values()) == pytest.approx([2.0, 0.6, 0.6, 0.9, 0.9])  # the pipeline's spread counts nowhere


def a_report(series_seconds=390):
    def run(accuracy, seconds):
        return {"test_accuracy": accuracy, "fit_seconds": seconds, "train_flops": 1e12}

    runs = {"classic MLP": [run(0.984, 80), run(0.983, 84)], "series MLP": [run(0.9905, 40), run(0.9903, 50)],
            "keras-io convnet": [run(0.991, 140), run(0.992, 140)], "series CNN": [run(0.9955, 120), run(0.9945, 110)]}
    report = {
        "date": "2026-11-24T10:00", "minutes": 29.5, "command": "python -m benchmarks --seeds 2", "seeds": [42, 0],
        "matmul_gflops": 200.0, "recipes": summarise(runs, 200.0), "load_seconds": 0.2,
        "profile": {"series MLP": breakdown(10.0, 1.0), "series CNN": breakdown(30.0, 12.0)},
        "series": {"command": "make run", "seconds": series_seconds, "exit_status": 0, "peak_memory_mib": 1500,
                   "notebooks": {"01_looking_at_the_data.ipynb": 12.3, "05_training.ipynb": 95.0,
                                 "07_convolutions.ipynb": 150.0}},
        "machine": {"cpu_count": 2}, "versions": {"keras": "3"},
    }
    report["verdicts"] = verdicts(report)
    return report


def test_each_target_gets_a_verdict_from_the_same_figures():
    got = {row["target"]: row for row in a_report()["verdicts"]}
    # series MLP: mean 99.04 %, fit time (40/80 + 50/84) / 2 = 0.55x: both met
    assert got["series MLP: mean test accuracy >= 99.0%"]["met"]
    assert got["series MLP: fit time <= 0.6x the classic MLP's"]["measured"] == "0.55x"
    assert got["series MLP: fit time <= 0.6x the classic MLP's"]["met"]
    # series CNN: mean 99.50 % meets 99.5 %; fit time 0.82x does not, and the profile says why
    assert got["series CNN: mean test accuracy >= 99.5%"]["met"]
    slow = got["series CNN: fit time <= 0.5x the keras-io convnet's"]
    assert not slow["met"] and slow["in the way"] == "augmentation (RandomTranslation): 12.0 of 30.0 ms per step"
    assert not any("ceiling" in target for target in got), "the share of the ceiling is a figure, not a target"
    assert got["make run: at most 4 minutes"]["measured"] == "6.5 min"
    assert not got["make run: at most 4 minutes"]["met"]
    assert "07 150 s, 05 95 s" in got["make run: at most 4 minutes"]["in the way"]
    assert {row["target"]: row["met"] for row in a_report(240)["verdicts"]}["make run: at most 4 minutes"]


def test_the_report_shows_every_figure_and_verdict():
    text = markdown(a_report())
    assert "| series MLP | 99.04% (99.03%–99.05%) | 45.0 (40.0–50.0) | 0.55x classic MLP (seeds: 0.50, 0.60) |" in text
    assert "| series CNN: fit time <= 0.5x the keras-io convnet's | 0.82x | **not met** | augmentation" in text
    assert "| series MLP: fit time <= 0.6x the classic MLP's | 0.55x | met | — |" in text
    assert "| augmentation (RandomTranslation) | 12.0 | 40% |" in text
    assert "| dropout | 0.5 | 5% | 9.0 |" in text  # a part within its noise, shown with it
    assert "in 30 minutes" in text and "**6.5 min**" in text and "01 12, 05 95" in text and "1,500 MiB" in text
    assert "make test` is not timed here" in text


def test_the_profile_times_its_variants_in_turn_round_after_round(monkeypatch):
    monkeypatch.setattr(profile, "ROUNDS", 3)
    calls = []

    def timer(name, ms):
        return lambda: calls.append(name) or ms

    times = profile.times_in_rounds({"whole": timer("whole", 10.0), "no shift": timer("no shift", 8.0)})
    assert calls == ["whole", "no shift"] * 3  # interleaved, not one variant's three timings in a row
    assert times == {"whole": [10.0] * 3, "no shift": [8.0] * 3}


def test_the_profile_takes_a_model_apart_and_times_every_part(monkeypatch):
    monkeypatch.setattr(profile, "STEPS", 2)
    monkeypatch.setattr(profile, "ROUNDS", 1)
    model = keras.Sequential([keras.Input((784,)), layers.Reshape((28, 28, 1)),
                              layers.RandomTranslation(0.1, 0.1), layers.Flatten(),
                              layers.Dense(8, activation="relu"), layers.Dropout(0.2),
                              layers.Dense(10, activation="softmax")])
    bare = profile.rebuilt(model, leave_out=(layers.RandomTranslation, layers.Dropout))
    assert [type(layer).__name__ for layer in bare.layers] == ["Reshape", "Flatten", "Dense", "Dense"]
    x = np.random.default_rng(0).random((64, 784), dtype=np.float32)
    y = keras.utils.to_categorical(np.arange(64) % 10, 10)
    result = profile.profile(model, x, y, batch=16, ceiling_gflops=100.0)
    assert result["step_ms"] > 0 and result["shifts_in_input_pipeline_step_ms"] > 0
    assert result["noise_ms"].keys() == result["parts_ms"].keys() and min(result["noise_ms"].values()) >= 0
    assert sum(result["parts_ms"].values()) == pytest.approx(result["step_ms"])  # the parts add up to the step
    assert result["parts_ms"]["the layers' arithmetic (forward and backward passes)"] > 0


def test_every_ablation_undoes_declared_parameters_of_notebook_04():
    declared = default_values(ablations.NOTEBOOK)
    assert ablations.VARIANTS["final recipe"] == {}
    for name, parameters in ablations.VARIANTS.items():
        assert set(parameters) <= set(declared), name
        assert len(parameters) <= 1, f"{name} changes more than one setting"
        assert all(declared[key] != value for key, value in parameters.items()), f"{name} changes nothing"
    assert set(ablations.SKIP_PLAIN) <= set(declared)


def test_the_ablation_summary_keeps_every_run():
    runs = {"final recipe": [{"validation_accuracy": 0.99, "test_accuracy": 0.9905},
                             {"validation_accuracy": 0.9896, "test_accuracy": 0.9901}],
            "without shifts": [{"validation_accuracy": 0.986, "test_accuracy": 0.985},
                               {"validation_accuracy": 0.984, "test_accuracy": 0.987}]}
    summary = ablations.summarise(runs)
    assert summary["without shifts"]["validation_accuracy_min"] == 0.984
    assert summary["without shifts"]["test_accuracy_min"] == 0.985
    assert summary["without shifts"]["parameters"] == {"MAX_SHIFT": 0}
    assert summary["final recipe"]["validation_accuracy_mean"] == pytest.approx(0.9898)
    assert len(summary["final recipe"]["runs"]) == 2


def test_the_readmes_figures_come_from_the_benchmark_report():
    root = ROOT
    section = (root / "README.md").read_text(encoding="utf-8").split("## How good, how fast")[1].split("\n## ")[0]
    report = (root / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    figures = re.findall(r"\d+\.\d+(?:%|x| s| min)", section)
    assert len(figures) >= 6, "the README quotes the benchmark's figures"
    missing = [figure for figure in figures if figure not in report]
    assert not missing, f"README figures not in docs/benchmarks.md: {missing}; copy them from a fresh `make bench`"


def test_the_figures_go_where_they_are_read():
    """The ablation's into the package (mnist_helpers/measured), which a non-editable install carries, since
    notebook 05 reads them; the benchmark's beside docs/benchmarks.md, since no notebook reads them."""
    from benchmarks.__main__ import FIGURES

    code = "".join(cell.source for cell in nbformat.read(ablations.NOTEBOOK, as_version=4).cells)
    read = set(re.findall(r'mh\.MEASURED / "(\w+\.json)"', code))
    assert read == {ablations.OUT.name}
    assert ablations.OUT.parent == MEASURED and FIGURES.parent == ROOT / "docs"
    assert FIGURES.is_file() and ablations.OUT.is_file()


def searched(validation, test, seconds, peer_seconds=100.0):
    """search's rows for one network, one seed, from {design: figure} dicts."""
    peer = [{"test_accuracy": 0.99, "fit_seconds": peer_seconds, "seed": 0}]
    return {"designs": {name: search.measured({}, [{
        "validation_accuracy": validation[name], "test_accuracy": test[name], "fit_seconds": seconds[name], "seed": 0,
    }], peer, "2026-12-05T17:00") for name in validation}}


def test_the_search_chooses_by_validation_accuracy_within_the_budget_never_by_test():
    rows = searched(validation={"fast": 0.990, "best on test": 0.985, "too slow": 0.999},
                    test={"fast": 0.991, "best on test": 0.996, "too slow": 0.999},
                    seconds={"fast": 40.0, "best on test": 45.0, "too slow": 61.0})
    results = search.choose({"MLP": rows, "CNN": searched({"slow": 0.99}, {"slow": 0.99}, {"slow": 51.0})})
    assert results["MLP"]["chosen"] == "fast"  # 0.6 of the peer's 100 s: "too slow" is out; test decides nothing
    assert [row["within_budget"] for row in results["MLP"]["designs"].values()] == [True, True, False]
    assert results["MLP"]["designs"]["too slow"]["fit_time_vs_peer"] == pytest.approx(0.61)
    assert results["CNN"]["chosen"] is None  # 51 s is over half of 100 s: nothing to choose


def test_a_designs_time_counts_against_its_peer_seed_by_seed_in_the_same_run():
    runs = [{"validation_accuracy": 0.99, "test_accuracy": 0.99, "fit_seconds": seconds, "seed": seed}
            for seed, seconds in enumerate([30.0, 60.0])]
    peer = [{"test_accuracy": 0.99, "fit_seconds": seconds, "seed": seed}
            for seed, seconds in enumerate([100.0, 120.0])]
    assert search.measured({}, runs, peer, "today")["fit_time_vs_peer"] == pytest.approx((0.3 + 0.5) / 2)


def test_the_search_report_lists_every_design_and_draws_the_frontier(tmp_path):
    results = search.choose({"MLP": searched({"a": 0.99, "b": 0.98}, {"a": 0.991, "b": 0.981}, {"a": 30.0, "b": 20.0}),
                             "CNN": searched({"c": 0.995}, {"c": 0.996}, {"c": 40.0})})
    text = search.markdown({"searches": [{"command": "python -m benchmarks.search", "date": "2026-12-05T17:00",
                                          "minutes": 40.0}],
                            "budget": search.BUDGET, "accuracy_target": search.ACCURACY_TARGET, "networks": results})
    assert "| M1 | a **(chosen)** | 1 | 99.00% | 99.10% (99.10% to 99.10%) | 30.0 | 100.0 | 0.30x | yes |" in text
    assert "| M2 | b | 1 | 98.00% |" in text and "| C1 | c **(chosen)** | 1 | 99.50% |" in text
    assert "(frontier.png)" in text
    assert "reaches 99.10% test accuracy: the target 99.0% is met" in text
    assert "reaches 99.60% test accuracy: the target 99.5% is met" in text
    search.plot(results, tmp_path / "frontier.png")
    assert (tmp_path / "frontier.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_search_run_trains_what_it_is_asked_and_keeps_the_rest(tmp_path, monkeypatch):
    """--designs trains those designs again, beside the peers; the others keep their figures, unless
    their settings changed since; the figures are written after every seed."""
    def peer(seed, data, run_dir):
        return {"test_accuracy": 0.98, "fit_seconds": 100.0, "train_flops": 1}

    def train(network, design, seed, data):
        return {"validation_accuracy": 0.99, "test_accuracy": 0.991, "fit_seconds": design["epochs"], "seed": seed,
                "epochs": design["epochs"]}

    designs = {"MLP": {"short": {"epochs": 10}, "long": {"epochs": 30}, "changed": {"epochs": 20}}}
    monkeypatch.setattr(search, "DESIGNS", designs)
    monkeypatch.setattr(search, "PEER_RECIPES", {"MLP": ("classic MLP", peer)})
    monkeypatch.setattr(search, "train", train)
    monkeypatch.setattr(search.mh, "load_mnist", lambda: ((np.zeros((2, 28, 28)), np.zeros(2, int)),) * 2)
    figures = tmp_path / "search.json"
    def earlier(epochs, accuracy):
        run = {"validation_accuracy": accuracy, "test_accuracy": accuracy, "fit_seconds": epochs, "seed": 42}
        return search.measured({"epochs": epochs}, [run], [{"seed": 42, **peer(42, None, None)}], "earlier")

    figures.write_text(json.dumps({"searches": [], "networks": {"MLP": {"designs": {
        "long": earlier(30, 0.999), "changed": earlier(5, 0.5)}}}}))
    args = ["--seeds", "2", "--designs", "short", "--figures", str(figures), "--picture", str(tmp_path / "f.png")]
    assert search.main(args) == 0
    report = json.loads(figures.read_text())
    rows = report["networks"]["MLP"]["designs"]
    assert sorted(rows) == ["long", "short"], "'changed' was measured with other settings: dropped"
    assert rows["long"]["measured"] == "earlier" and [run["seed"] for run in rows["short"]["runs"]] == [42, 0]
    assert rows["short"]["fit_time_vs_peer"] == pytest.approx(0.1) and report["networks"]["MLP"]["chosen"] == "long"
    assert report["searches"][-1]["seeds"] == [42, 0] and (tmp_path / "f.png").is_file()
    monkeypatch.setitem(designs["MLP"], "long", {"epochs": 40})  # its settings change: --render drops its figures
    assert search.main(["--render", "--figures", str(figures), "--picture", str(tmp_path / "f.png")]) == 0
    assert list(json.loads(figures.read_text())["networks"]["MLP"]["designs"]) == ["short"]
    with pytest.raises(SystemExit):
        search.main(["--designs", "no such design", "--figures", str(figures)])


def test_the_ablation_runs_05_up_to_its_metrics_without_reading_its_own_report(tmp_path):
    """So that `make ablations` runs before its report exists, or while its format changes."""
    cells = nbformat.read(ablations.measured_part(tmp_path), as_version=4).cells
    assert ablations.METRICS in cells[-1].source
    assert not [cell for cell in cells if ablations.OUT.name in cell.source]
    dropped = [cell for cell in lesson_only(nbformat.read(ablations.NOTEBOOK, as_version=4)).cells
               if ablations.OUT.name in cell.source]
    read_there = {name for cell in dropped for name in re.findall(r"^(\w+) = ", cell.source, re.M)}
    assert read_there, "the cells that read the report define the names they read into"
    for cell in (cell for cell in cells if cell.cell_type == "code"):  # nothing kept uses a name only they define
        assert not {name for name in read_there if re.search(rf"(?<!make )\b{name}\b", cell.source)}, cell.source[:80]
    assert not [cell for cell in cells if "remove-cell" in cell.metadata.get("tags", [])]
    assert any("model.fit(" in cell.source for cell in cells)
