"""The package's import and its workshop commands, run as a user runs them: in a subprocess."""

import os
import shlex
import subprocess
import sys

import pytest

from mnist_helpers.layout import ROOT
from mnist_helpers.series.cli import main


def python(*args, env=None, **kwargs):
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env={**os.environ, **(env or {})},
        timeout=300, **kwargs,
    )


def test_importing_the_package_keeps_tensorflow_quiet_and_loads_no_tooling():
    """What a lesson's kernel imports: TensorFlow quiet, and none of the runner's YAML, kernel client or tooling."""
    tooling = ("yaml", "jupyter_client", "papermill", "mnist_helpers.series")
    code = ("import sys, mnist_helpers, keras; print(float(keras.ops.sum(keras.ops.ones(3)))); "
            f"print(sorted(m for m in {tooling} if m in sys.modules))")
    done = python("-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["3.0", "[]"]
    assert done.stderr == "", "TensorFlow log lines reached stderr"


def test_without_the_package_tensorflow_is_noisy():
    """The control for the test above: if TensorFlow ever goes quiet by itself, we can drop the trick."""
    done = python("-c", "import keras; keras.ops.ones(3)")
    assert done.returncode == 0
    assert done.stderr != ""


def test_doctor_on_a_good_setup(mnist_path, tmp_path):
    """The README's offline route as printed (its export line), then `doctor` finds the copy there."""
    readme = (ROOT / "README.md").read_text()
    (export,) = [line for line in readme.splitlines() if line.startswith("export MNIST_NPZ=")]
    export = export.replace("/path/to/mnist.npz", shlex.quote(str(mnist_path)))
    env = {name: value for name, value in os.environ.items() if name != "MNIST_NPZ"}
    done = subprocess.run(["bash", "-c", f"{export}\n{sys.executable} -m mnist_helpers doctor"], capture_output=True,
                          text=True, env={**env, "KERAS_HOME": str(tmp_path)}, timeout=300)
    assert done.returncode == 0, done.stdout
    assert "All is well." in done.stdout
    assert "verified" in done.stdout and str(mnist_path) in done.stdout
    for name in ("python", "tensorflow", "keras", "keras_backend", "cpu_count"):
        assert f"{name}:" in done.stdout


def test_doctor_on_a_broken_setup(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "mnist.npz"
    bad.write_text("not a zip")
    monkeypatch.setenv("MNIST_NPZ", str(bad))
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM:" in out and "not an .npz" in out


def test_doctor_without_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("MNIST_NPZ", "")
    assert main(["doctor"]) == 1
    assert "fetch" in capsys.readouterr().out


def test_fetch_with_a_verified_copy_does_nothing(mnist_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MNIST_NPZ", str(mnist_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert main(["fetch"]) == 0
    assert "already here and verified" in capsys.readouterr().out
    assert not (tmp_path / "datasets").exists(), "nothing downloaded or copied"


@pytest.mark.parametrize("args", [[], ["nonsense"]])
def test_cli_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    assert "usage:" in capsys.readouterr().err
