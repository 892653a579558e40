"""The headless series runner, driven as an engineer drives it: `python -m mnist_helpers run`."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import keras
import pytest

import mnist_helpers as mh
from mnist_helpers.learner import write_learner_edition

QUICK = ["-p", "TRAIN_SAMPLES", "3000", "-p", "EPOCHS", "2"]
# the side experiments and probes of the later notebooks, shrunk alike
QUICK_EXTRAS = ["-p", "PCA_SAMPLES", "500", "-p", "EXPERIMENT_SAMPLES", "1000", "-p", "EXPERIMENT_EPOCHS", "1",
                "-p", "PROBE_SAMPLES", "200"]
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def run_series(runs_dir, *args):
    return subprocess.run(
        [sys.executable, "-m", "mnist_helpers", "run", "--runs-dir", str(runs_dir), *args],
        capture_output=True, text=True, timeout=900, env=os.environ.copy(),
    )


def summary(folder):
    return json.loads((folder / "summary.json").read_text())


@pytest.mark.slow
def test_bad_parameter_stops_the_run_with_the_notebooks_message(tmp_path, mnist_path):
    done = run_series(tmp_path, "--name", "bad", "--only", "02", "-p", "EPOCHS", "0")
    assert done.returncode == 1
    assert "EPOCHS must be an integer >= 1, got 0" in done.stderr
    assert str(tmp_path / "bad" / "02_preprocessing.ipynb") in done.stderr, "points at the partial notebook"
    entry = summary(tmp_path / "bad")["notebooks"][0]
    assert entry["status"] == "failed" and "EPOCHS must be" in entry["error"]


def test_unknown_parameter_is_reported_with_a_suggestion(tmp_path):
    done = run_series(tmp_path, "-p", "EPOCH", "3")
    assert done.returncode == 2
    assert "Unknown parameter 'EPOCH'" in done.stderr and "Did you mean EPOCHS?" in done.stderr
    assert not tmp_path.exists() or not any(tmp_path.iterdir()), "nothing ran, no folder made"


def test_missing_notebook_is_a_clear_error(tmp_path):
    done = run_series(tmp_path, "--only", "99")
    assert done.returncode == 2
    assert "No notebook matches --only '99'" in done.stderr


def test_unwritable_run_folder_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("")
    done = run_series(tmp_path / "file", "--only", "01")
    assert done.returncode == 2
    assert "Cannot create the run folder" in done.stderr


def test_a_used_run_folder_is_not_overwritten(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "summary.json").write_text("{}")
    done = run_series(tmp_path, "--name", "taken", "--only", "01")
    assert done.returncode == 2
    assert "already holds a run" in done.stderr
    assert (tmp_path / "taken" / "summary.json").read_text() == "{}"


def test_bad_parameters_file(tmp_path):
    (tmp_path / "params.yaml").write_text("- just\n- a list\n")
    done = run_series(tmp_path, "-f", str(tmp_path / "params.yaml"))
    assert done.returncode == 2
    assert "must hold NAME: VALUE lines" in done.stderr


@pytest.mark.slow
def test_the_whole_series_runs_headlessly(tmp_path, mnist_path):
    """The learner edition, run headlessly: proves the runner and that the learner notebooks execute.

    Its code cells are those of notebooks/ (test_learner.py), which nbval executes as committed.
    """
    learner = tmp_path / "learner"
    write_learner_edition(learner)
    done = run_series(tmp_path, "--name", "series", "--notebooks", str(learner), *QUICK, *QUICK_EXTRAS)
    assert done.returncode == 0, done.stderr[-3000:]
    folder = tmp_path / "series"
    result = summary(folder)
    names = [entry["notebook"] for entry in result["notebooks"]]
    assert names == sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert all(entry["status"] == "ok" for entry in result["notebooks"])
    for name in names:
        assert (folder / name).is_file() and (folder / name).with_suffix(".html").is_file()
    assert result["parameters"] == {"TRAIN_SAMPLES": 3000, "EPOCHS": 2, "PCA_SAMPLES": 500, "EXPERIMENT_SAMPLES": 1000,
                                    "EXPERIMENT_EPOCHS": 1, "PROBE_SAMPLES": 200}
    assert result["versions"]["keras"].startswith("3.") and result["machine"]["cpu_count"] >= 1
    training, analysis = (next(e for e in result["notebooks"] if e["notebook"].startswith(n)) for n in ("04", "05"))
    assert training["parameters"]["RUN_DIR"] == str(folder)
    assert training["parameters"]["EPOCHS"] == 2, "what was passed"
    assert training["parameters"]["BATCH_SIZE"] == 256, "and the defaults it ran with"
    assert 0.7 <= training["metrics"]["test_accuracy"] <= 1.0
    assert training["metrics"]["test_errors"] == round(10000 * training["metrics"]["test_error_rate"])
    # 05 analysed the very model 04 trained in this run folder
    assert analysis["metrics"]["test_accuracy"] == pytest.approx(training["metrics"]["test_accuracy"], abs=1e-6)
    assert 0 <= analysis["metrics"]["expected_calibration_error"] <= 0.5
    cnn, handwriting = (next(e for e in result["notebooks"] if e["notebook"].startswith(n)) for n in ("06", "07"))
    assert cnn["parameters"]["EPOCHS"] == 2 and cnn["parameters"]["BATCH_SIZE"] == 128, "passed, and its own default"
    assert 0.7 <= cnn["metrics"]["test_accuracy"] <= 1.0 and cnn["metrics"]["parameters"] == 225034
    # 06 compared its CNN with the very MLP 04 trained in this run folder
    assert cnn["metrics"]["mlp_test_errors"] == training["metrics"]["test_errors"]
    assert handwriting["metrics"]["samples"] == 10
    assert "headline metrics" in done.stdout and "test_accuracy=" in done.stdout, "the summary table is printed"


@pytest.mark.slow
def test_parallel_runs_do_not_interfere_and_a_seed_reproduces(tmp_path, mnist_path):
    """Two runs of 04 at once, same seed: both succeed, in their own folders, with the same accuracy.

    The stated tolerance is 0.2 percentage points: CPU threads may add numbers in another order.
    """
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(
            lambda name: run_series(tmp_path, "--name", name, "--only", "04", *QUICK, "-p", "SEED", "7"), ["a", "b"]
        ))
    accuracies = []
    for name, done in zip(["a", "b"], runs):
        assert done.returncode == 0, done.stderr[-2000:]
        entry = summary(tmp_path / name)["notebooks"][0]
        assert entry["status"] == "ok" and entry["parameters"]["RUN_DIR"] == str(tmp_path / name)
        assert (tmp_path / name / "model.keras").is_file()
        accuracies.append(entry["metrics"]["test_accuracy"])
    assert abs(accuracies[0] - accuracies[1]) <= 0.002


def test_ensure_model_runs_the_notebook_that_makes_a_missing_model(tmp_path, monkeypatch, capsys):
    """Notebooks 05-07 opened alone: the missing model's notebook runs into the same folder, once."""
    calls = []

    def fake_execute(notebook, output, parameters):
        calls.append((Path(notebook).name, Path(output), parameters))
        mh.save_model(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]), tmp_path / "cnn.keras")

    monkeypatch.setattr(mh.runner, "execute_notebook", fake_execute)
    model = mh.runner.ensure_model(tmp_path, "cnn.keras", SEED=3)
    assert calls == [("06_convolutions.ipynb", tmp_path / "06_convolutions.ipynb",
                      {"RUN_DIR": str(tmp_path.resolve()), "SEED": 3})]
    assert "No cnn.keras in" in capsys.readouterr().out and model.count_params() == 8
    mh.runner.ensure_model(tmp_path, "cnn.keras", SEED=3)
    assert len(calls) == 1, "a model that is there is loaded, not remade"
