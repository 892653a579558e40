"""The package's import and its workshop commands, run as a user runs them: in a subprocess."""

import importlib.util
import json
import os
import shlex
import subprocess
import sys

import pytest

from mnist_helpers._quiet import backend_problem
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


# --- A Keras backend that cannot load: one sentence, from the import and from doctor ---------------

@pytest.fixture
def without(monkeypatch):
    """Make packages look uninstalled to the backend check, whatever this machine has."""
    def missing(*packages):
        real = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in packages else real(name, *a))
    return missing


def test_doctor_names_a_backend_whose_package_is_missing(monkeypatch, capsys, without):
    without("jax")
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert ("PROBLEM: Keras is set to the jax backend by KERAS_BACKEND, but the jax package is not installed: "
            "install it (`pip install jax`), or pick another backend, e.g. KERAS_BACKEND=tensorflow.") in out
    assert "keras_backend: jax (does not load)" in out, "the backend it is set to, not the Keras this process loaded"
    assert "python:" in out and "cpu_count:" in out, "the rest of the report still comes"


@pytest.mark.parametrize(("backend", "message"), [
    ("nonsense", "Keras is set to the backend 'nonsense' by KERAS_BACKEND, which Keras does not know: pick one of "
                 "tensorflow, jax, torch, numpy, openvino, e.g. KERAS_BACKEND=tensorflow (the series' own)."),
    ("TensorFlow", "the backend 'TensorFlow' by KERAS_BACKEND, which Keras does not know"),
    ("", None),  # Keras ignores an empty variable, and so does the check
])
def test_backend_named_by_the_variable(monkeypatch, tmp_path, backend, message):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("KERAS_BACKEND", backend)
    problem = backend_problem()
    assert problem is None if message is None else message in problem, problem


def test_backend_named_in_keras_json(monkeypatch, tmp_path, without):
    without("torch")
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "torch"}))
    assert backend_problem().startswith(f"Keras is set to the torch backend in {tmp_path / 'keras.json'}, but the "
                                        f"torch package is not installed")


@pytest.mark.parametrize("backend", ["nonsense", pytest.param("jax", marks=pytest.mark.skipif(
    importlib.util.find_spec("jax") is not None, reason="jax is installed here"))])
def test_a_backend_that_cannot_load_is_one_line_not_a_traceback(backend):
    """In a fresh process, as a user meets it: the command and a script's import. Fails before TensorFlow loads."""
    for args in (["-m", "mnist_helpers", "doctor"], ["-c", "import mnist_helpers"]):
        done = python(*args, env={"KERAS_BACKEND": backend})
        assert done.returncode == 1
        assert done.stderr.startswith("PROBLEM: Keras is set to the") and done.stderr.count("\n") == 1, done.stderr
        assert f"{backend!r}" in done.stderr or f"the {backend} package is not installed" in done.stderr
    caught = python("-c", "try:\n    import mnist_helpers\nexcept ImportError as error:\n    print(repr(error))",
                    env={"KERAS_BACKEND": backend})
    assert caught.returncode == 0 and caught.stdout.startswith("KerasBackendError("), "an ImportError one can catch"
