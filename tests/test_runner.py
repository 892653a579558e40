"""The headless series runner, driven as an engineer drives it: `python -m mnist_helpers run`."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

QUICK = ["-p", "TRAIN_SAMPLES", "500", "-p", "EPOCHS", "1"]


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
def test_two_runs_in_parallel_both_succeed(tmp_path, mnist_path):
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda name: run_series(tmp_path, "--name", name, "--only", "02", *QUICK),
                             ["a", "b"]))
    for name, done in zip(["a", "b"], runs):
        assert done.returncode == 0, done.stderr[-2000:]
        folder = tmp_path / name
        assert summary(folder)["notebooks"][0]["status"] == "ok"
        assert (folder / "02_preprocessing.ipynb").is_file() and (folder / "02_preprocessing.html").is_file()
        assert summary(folder)["notebooks"][0]["parameters"] == {"TRAIN_SAMPLES": 500, "EPOCHS": 1}
