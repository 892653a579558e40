"""A notebook opened where mnist_helpers is not installed (Colab, a learner's own Python): its folded set-up
cell installs the package, from MNIST_HELPERS_SOURCE (here this checkout), and the lesson runs."""

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from mnist_helpers.layout import NOTEBOOKS, ROOT


@pytest.mark.slow
@pytest.mark.extra  # about a minute: make test-extra
def test_a_notebook_runs_where_the_helper_package_is_missing(tmp_path, mnist_path):
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", bare], check=True)
    python = bare / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # What Colab has (Keras, TensorFlow, NumPy, Jupyter): this environment's packages, as a path without its
    # .pth files, so without the editable mnist_helpers. pip then installs into `bare`, never here.
    (Path(site) / "series_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    missing = subprocess.run([python, "-c", "import keras, mnist_helpers"], cwd=tmp_path, capture_output=True,
                             text=True)
    assert "No module named 'mnist_helpers'" in missing.stderr, "bare of the helper package, and only of it"
    kernel = tmp_path / "jupyter" / "kernels" / "bare"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python without mnist_helpers", "language": "python"}))
    env = {**os.environ, "JUPYTER_PATH": str(tmp_path / "jupyter"), "MNIST_HELPERS_SOURCE": str(ROOT)}
    notebook = NOTEBOOKS / "01_looking_at_the_data.ipynb"
    done = subprocess.run([sys.executable, "-m", "papermill", notebook, tmp_path / "01.ipynb", "-k", "bare",
                           "--cwd", NOTEBOOKS],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    executed = nbformat.read(tmp_path / "01.ipynb", 4)
    printed = "".join(output.get("text", "") for cell in executed.cells for output in cell.get("outputs", []))
    assert f"Installing the series' helper package from {ROOT}" in printed
    installed = subprocess.run([python, "-c", "import mnist_helpers; print(mnist_helpers.__file__)"], cwd=tmp_path,
                               capture_output=True, text=True, check=True).stdout
    assert installed.startswith(str(bare)), "installed into the notebook's own environment"
