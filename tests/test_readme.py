"""Every command the README prints is executed here, so the README cannot drift from what works.

The headless runs are executed as printed, from a scratch folder (so runs/ lands there);
only `.venv/bin/` becomes this environment's own bin folder. `make run` would take the whole
series' 8 minutes, so its wiring is checked with `make -n`; `make test` is what CI runs.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from mnist_helpers.layout import NOTEBOOK_PATTERN, NOTEBOOKS, ROOT
from mnist_helpers.series.parameters import default_values
from test_notebook_anatomy import NOISE

README = (ROOT / "README.md").read_text()
BIN = Path(sys.executable).parent


def blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def commands():
    """The command lines of the README's bash blocks, comments dropped."""
    lines = (line.split("  #")[0].strip() for block in blocks("bash") for line in block.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def command(prefix):
    (found,) = [line for line in commands() if line.startswith(prefix)]
    return found


def run(line, cwd, timeout=900, exported=(), bin_dir=BIN):
    """A README command line as a user types it, with .venv/bin/ meaning `bin_dir` (this environment's), after
    the README's `export NAME=value` lines `exported`."""
    argv = [str(bin_dir / word.removeprefix(".venv/bin/")) if word.startswith(".venv/bin/") else word
            for word in shlex.split(line)]
    env = os.environ | dict(shlex.split(export)[1].split("=", 1) for export in exported)
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def make_dry_run(target_and_args):
    """What `make` would execute for a README make command (-n: print, run nothing).

    Under `make test` this is a make inside a make: without the outer make's variables it runs
    as the user's own command would, and prints no "Entering/Leaving directory" lines."""
    outer = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "ARGS")
    env = {name: value for name, value in os.environ.items() if name not in outer}
    done = subprocess.run(["make", "-n", *shlex.split(target_and_args)], cwd=ROOT, capture_output=True, text=True,
                          env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


# Each command the README prints, and the test that executes it.
COVERED = {
    "make run": "test_make_commands_are_wired_to_the_runner_and_the_tests",
    "make test": "test_make_commands_are_wired_to_the_runner_and_the_tests (and CI: .ci/run)",
    "export MNIST_NPZ=/path/to/mnist.npz": "tests/test_commands.py: test_doctor_on_a_good_setup",
    ".venv/bin/python -m mnist_helpers run --name quick -f quick.yaml":
        "test_the_quick_series[tensorflow] (make test-extra)",
    "export KERAS_BACKEND=jax": "test_the_quick_series[jax] (make test-extra)",
    "make test-extra": "test_make_commands_are_wired_to_the_runner_and_the_tests (and CI: .ci/run)",
    ".venv/bin/python -m mnist_helpers run --only 06 -p TRAIN_SAMPLES 3000 -p EPOCHS 2":
        "tests/test_opens_alone.py: test_each_later_notebook_opens_alone (make test-extra)",
    ".venv/bin/papermill --help-notebook notebooks/05_training.ipynb": "test_help_notebook",
    'make run ARGS="--name workshop -p SEED 7"': "test_make_commands_are_wired_to_the_runner_and_the_tests",
    ".venv/bin/papermill notebooks/02_preprocessing.ipynb 02-small.ipynb --cwd notebooks -p TRAIN_SAMPLES 1000 "
    "-p EPOCHS 1": "test_plain_papermill",
    ".venv/bin/python -m mnist_helpers doctor": "tests/test_commands.py: test_doctor_on_a_good_setup",
    ".venv/bin/python -m mnist_helpers fetch": "tests/test_commands.py: test_fetch_with_a_verified_copy_does_nothing",
    "make learner": "test_make_learner",
    ".venv/bin/python -m mnist_helpers.series.publish OWNER/NAME":
        "tests/test_publish.py: test_the_readme_command_publishes_every_notebook_and_the_readme",
}


def test_every_readme_command_is_executed_by_a_test():
    assert set(commands()) == set(COVERED), "a new README command needs a test here (and a line in COVERED)"


def test_make_commands_are_wired_to_the_runner_and_the_tests():
    assert make_dry_run("run")[-1] == ".venv/bin/python -m mnist_helpers run "
    assert make_dry_run('run ARGS="--name workshop -p SEED 7"')[-1] == (
        ".venv/bin/python -m mnist_helpers run --name workshop -p SEED 7")
    assert make_dry_run("test")[-2:] == [".venv/bin/ruff check .", ".venv/bin/python -m pytest "]
    assert make_dry_run("test-extra")[-1] == "JAX_BIN=.venv-jax/bin .venv/bin/python -m pytest -m extra"
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("\nmake test\nmake test-extra"), (
        "CI runs the README's test command, then what stays outside its 10 minutes")


def test_make_learner(tmp_path):
    line = make_dry_run(f"learner ARGS='--out {tmp_path / 'learner'}'")[-1]
    assert line == f".venv/bin/python -m mnist_helpers learner --out {tmp_path / 'learner'}"
    done = run(line, ROOT)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "learner").glob("*.ipynb"))) == len(list(NOTEBOOKS.glob(NOTEBOOK_PATTERN)))


def test_help_notebook():
    done = run(command(".venv/bin/papermill --help-notebook"), ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    for name in ("EPOCHS", "TRAIN_SAMPLES", "RUN_DIR", "LEARNING_RATE"):
        assert name in done.stdout


def printed(notebook, stream=None):
    """What an executed notebook's cells printed (to `stream` only, "stdout" or "stderr", if given)."""
    return "".join(output.get("text", "") for cell in nbformat.read(notebook, 4).cells
                   for output in cell.get("outputs", []) if stream in (None, output.get("name")))


def summary(folder):
    return json.loads((folder / "summary.json").read_text())


@pytest.mark.slow
@pytest.mark.extra  # about five minutes on each backend: with nbval over every notebook, make test would pass 10
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_the_quick_series(tmp_path, mnist_path, backend):
    """The README's small run of the whole series, with its parameters file as printed: on TensorFlow, and on
    JAX as the README chooses it, in a JAX learner's environment without TensorFlow (make test-extra builds it
    and names its bin folder in JAX_BIN). nbval runs every notebook on TensorFlow in make test; this is the
    runner's whole path (parameters, run folder, summary, HTML), which CI runs after make test."""
    (quick,) = [block for block in blocks("yaml") if block.startswith("# quick.yaml")]
    (tmp_path / "quick.yaml").write_text(quick)
    exported = [command("export KERAS_BACKEND=")] if backend == "jax" else []
    if backend == "jax" and "JAX_BIN" not in os.environ:
        pytest.fail("the JAX run needs its environment: run it with `make test-extra`")
    bin_dir = Path(os.environ["JAX_BIN"]).resolve() if backend == "jax" else BIN
    done = run(command(".venv/bin/python -m mnist_helpers run --name quick"), tmp_path, exported=exported,
               bin_dir=bin_dir)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f" on {backend} " in done.stdout
    assert summary(tmp_path / "runs" / "quick")["versions"]["keras_backend"] == backend
    stored = [printed(notebook, "stderr") for notebook in (tmp_path / "runs" / "quick").glob(NOTEBOOK_PATTERN)]
    for text in [done.stdout, done.stderr, *stored]:
        assert not any(word in text for word in NOISE), f"a backend's log line on the terminal or stored: {text}"
    folder = (tmp_path / "runs" / "quick").resolve()
    result = summary(folder)
    assert result["status"] == "complete"
    names = [entry["notebook"] for entry in result["notebooks"]]
    assert names == sorted(p.name for p in NOTEBOOKS.glob(NOTEBOOK_PATTERN))
    assert result["parameters"] == yaml.safe_load(quick)
    assert result["versions"]["keras"].startswith("3.") and result["machine"]["cpu_count"] >= 1
    for entry in result["notebooks"]:
        assert entry["status"] == "ok"
        assert (folder / entry["notebook"]).is_file() and (folder / entry["notebook"]).with_suffix(".html").is_file()
        assert entry["seconds"] > 0 and entry["cpu_seconds"] > 0 and 100 < entry["peak_mib"] < 4000, entry
    entries = {entry["notebook"][:2]: entry for entry in result["notebooks"]}
    training, analysis, cnn = entries["05"], entries["06"], entries["07"]
    assert training["parameters"]["RUN_DIR"] == str(folder)
    assert training["parameters"]["EPOCHS"] == 2, "what was passed"
    assert training["parameters"]["BATCH_SIZE"] == 256, "and the defaults it ran with"
    assert 0.5 <= training["metrics"]["test_accuracy"] <= 1.0
    assert training["metrics"]["test_errors"] == round(10000 * training["metrics"]["test_error_rate"])
    # 06 analysed the very model 05 trained in this run folder
    assert analysis["metrics"]["test_accuracy"] == pytest.approx(training["metrics"]["test_accuracy"], abs=1e-6)
    assert cnn["parameters"]["EPOCHS"] == 2 and cnn["parameters"]["EXPERIMENT_SAMPLES"] == 1000, "what was passed"
    assert cnn["parameters"]["BATCH_SIZE"] == default_values(NOTEBOOKS / "07_convolutions.ipynb")["BATCH_SIZE"]
    assert cnn["metrics"]["parameters"] == 108_618
    # 07 compared its CNN with the very MLP 05 trained in this run folder
    assert cnn["metrics"]["mlp_test_errors"] == training["metrics"]["test_errors"]
    assert entries["08"]["metrics"]["samples"] == 10
    # 08 read MY_IMAGE as a learner's photo: its steps and both models' answers drawn, nothing refused
    (handwriting,) = (folder / entry["notebook"] for entry in result["notebooks"] if entry["notebook"][:2] == "08")
    (reader,) = [cell for cell in nbformat.read(handwriting, 4).cells if "read_my_digit(" in cell.source]
    assert sum("image/png" in output.get("data", {}) for output in reader.outputs) == 2, "steps, then answers"
    assert "Could not use" not in printed(handwriting)
    table = done.stdout[done.stdout.index("headline metrics"):]
    assert "wall s" in done.stdout and "peak MiB" in done.stdout and "test_accuracy=" in table


@pytest.mark.slow
def test_plain_papermill(tmp_path, mnist_path):
    """The plain papermill example, from a folder holding a copy of notebooks/02."""
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "02_preprocessing.ipynb", tmp_path / "notebooks")
    done = run(command(".venv/bin/papermill notebooks/02_preprocessing.ipynb"), tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    executed = nbformat.read(tmp_path / "02-small.ipynb", 4)
    assert executed.metadata["papermill"]["parameters"] == {"TRAIN_SAMPLES": 1000, "EPOCHS": 1}
