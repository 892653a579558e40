"""The package's import and its workshop commands, run as a user runs them: in a subprocess."""

import os
import subprocess
import sys

import pytest


def python(*args, env=None, **kwargs):
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env={**os.environ, **(env or {})},
        timeout=300, **kwargs,
    )


def test_importing_the_package_keeps_tensorflow_quiet():
    code = "import mnist_helpers, keras; print(float(keras.ops.sum(keras.ops.ones(3))))"
    done = python("-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3.0"
    assert done.stderr == "", "TensorFlow log lines reached stderr"


def test_without_the_package_tensorflow_is_noisy():
    """The control for the test above: if TensorFlow ever goes quiet by itself, we can drop the trick."""
    done = python("-c", "import keras; keras.ops.ones(3)")
    assert done.returncode == 0
    assert done.stderr != ""


def test_doctor_on_a_good_setup(mnist_path):
    done = python("-m", "mnist_helpers", "doctor", env={"MNIST_NPZ": str(mnist_path)})
    assert done.returncode == 0, done.stdout
    assert "All is well." in done.stdout
    assert "verified" in done.stdout and str(mnist_path) in done.stdout
    for name in ("python", "tensorflow", "keras", "keras_backend", "cpu_count"):
        assert f"{name}:" in done.stdout


def test_doctor_on_a_broken_setup(tmp_path):
    bad = tmp_path / "mnist.npz"
    bad.write_text("not a zip")
    done = python("-m", "mnist_helpers", "doctor", env={"MNIST_NPZ": str(bad)})
    assert done.returncode == 1
    assert "PROBLEM:" in done.stdout and "not an .npz" in done.stdout


def test_doctor_without_data(tmp_path):
    env = {"KERAS_HOME": str(tmp_path), "MNIST_NPZ": ""}
    done = python("-m", "mnist_helpers", "doctor", env=env)
    assert done.returncode == 1
    assert "fetch" in done.stdout


def test_fetch_with_a_verified_copy_does_nothing(mnist_path, tmp_path):
    done = python("-m", "mnist_helpers", "fetch", env={"MNIST_NPZ": str(mnist_path), "KERAS_HOME": str(tmp_path)})
    assert done.returncode == 0
    assert "already here and verified" in done.stdout
    assert not (tmp_path / "datasets").exists(), "nothing downloaded or copied"


@pytest.mark.parametrize("args", [[], ["nonsense"]])
def test_cli_usage_errors(args):
    done = python("-m", "mnist_helpers", *args)
    assert done.returncode == 2
    assert "usage:" in done.stderr
