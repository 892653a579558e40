"""Every learner's Python (issue 31): `doctor` checks it against what the pinned TensorFlow supports and says what
to do when it is outside, and docs/setup.md tells the same story. In-process, with the Python version pretended."""

import platform
import re
import tomllib
from importlib import metadata

import nbformat
import pytest
from packaging.specifiers import SpecifierSet

from mnist_helpers._python import SUPPORTED_PYTHON, python_problem
from mnist_helpers.layout import CHECK_TAG, NOTEBOOKS, ROOT, SOLUTION_TAG
from mnist_helpers.series.cli import main

SETUP = (ROOT / "docs" / "setup.md").read_text()
OLDEST, NEWEST = SUPPORTED_PYTHON


@pytest.fixture
def good_setup(mnist_path, tmp_path, monkeypatch):
    """All but the Python right: a verified MNIST and the series' own backend, whatever this machine's settings."""
    monkeypatch.setenv("MNIST_NPZ", str(mnist_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv("KERAS_BACKEND", raising=False)


def test_doctor_passes_this_python(good_setup, capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert f"python: {platform.python_version()}" in out and "All is well." in out


@pytest.mark.parametrize("version", [f"{OLDEST[0]}.{OLDEST[1]}.0", f"{NEWEST[0]}.{NEWEST[1]}.7"])
def test_doctor_passes_both_ends_of_the_range(good_setup, monkeypatch, capsys, version):
    monkeypatch.setattr(platform, "python_version", lambda: version)
    assert main(["doctor"]) == 0
    assert "PROBLEM" not in capsys.readouterr().out


@pytest.mark.parametrize("version", ["3.14.0", "3.9.18"])
def test_doctor_says_what_to_do_on_an_unsupported_python(good_setup, monkeypatch, capsys, version):
    monkeypatch.setattr(platform, "python_version", lambda: version)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert f"python: {version}\n" in out, "the report names the Python it found"
    (problem,) = [line for line in out.splitlines() if line.startswith("PROBLEM:")]
    assert problem.startswith(f"PROBLEM: Python {version} is outside the 3.10 to 3.13 that TensorFlow 2.21 supports: "
                              "install Python 3.12 or 3.13, delete .venv and create it again with that Python")
    for route in ("python.org's installer", "`brew install python@3.12`, then `python3.12 -m venv .venv`",
                  "`py install 3.12`", "`py -3.12 -m venv .venv`", "`conda env create -f environment.yml`"):
        assert route in problem
    assert problem.endswith(".") and ". " not in problem, "one sentence"
    assert out.rstrip().endswith("1 problem(s) to fix.")


def test_the_range_is_what_the_pinned_tensorflow_declares():
    """Where SUPPORTED_PYTHON comes from: the Python classifiers of the TensorFlow requirements.txt installs."""
    pins = dict(re.findall(r"^(tensorflow(?:-cpu)?)==([\d.]+)", (ROOT / "requirements.txt").read_text(), re.M))
    installed = [name for name in pins if _version(name)]
    if not installed:
        pytest.skip("no TensorFlow installed here")
    (name,) = installed
    assert _version(name) == pins[name], "the installed TensorFlow is the pinned one"
    classifiers = metadata.metadata(name).get_all("Classifier")
    minors = sorted(int(m) for c in classifiers for m in re.findall(r"^Programming Language :: Python :: 3\.(\d+)$", c))
    assert ((3, minors[0]), (3, minors[-1])) == SUPPORTED_PYTHON
    assert f"TensorFlow {'.'.join(pins[name].split('.')[:2])} supports" in python_problem("3.14.0")


def _version(distribution):
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def test_the_range_agrees_with_requires_python():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    if "requires-python" not in project:
        pytest.skip("pyproject.toml declares no requires-python")
    allowed = SpecifierSet(project["requires-python"])
    assert [minor for minor in range(40) if f"3.{minor}" in allowed] == list(range(OLDEST[1], NEWEST[1] + 1))


def test_setup_md_names_the_range_and_quotes_doctor():
    assert f"**Python {OLDEST[0]}.{OLDEST[1]} to {NEWEST[0]}.{NEWEST[1]}, 64-bit.**" in SETUP
    (quoted,) = re.findall(r"`PROBLEM: (Python [^`]*)`", SETUP)
    assert python_problem("3.14.0").startswith(quoted)


def test_setup_md_step_3_quotes_what_notebook_01_prints():
    """Step 3's check: a code cell the learner edition keeps, under the heading named, printing what is quoted."""
    step3 = SETUP[SETUP.index("## 3 ·"):SETUP.index("## 4 ·")]
    (expected,) = re.findall(r"```text\n(.*?)```", step3, re.S)
    start, heading = re.search(r"code cell that starts with\s+`([^`]+)`\s+\(under \"([^\"]+)\"\)", step3).groups()
    cells = nbformat.read(NOTEBOOKS / "01_looking_at_the_data.ipynb", 4).cells
    (index,) = [i for i, cell in enumerate(cells) if cell.cell_type == "code" and cell.source.startswith(start)]
    assert not {CHECK_TAG, SOLUTION_TAG} & set(cells[index].metadata.get("tags", [])), "the learner edition keeps it"
    headings = [cell.source for cell in cells[:index] if cell.cell_type == "markdown" and cell.source.startswith("## ")]
    assert headings[-1].startswith(f"## {heading}")
    printed = "".join(output.get("text", "") for output in cells[index].outputs if output.output_type == "stream")
    assert printed == expected


def test_importing_the_package_on_an_unsupported_python_with_nothing_installed_says_why():
    """A failed install on Python 3.14 leaves numpy missing: the import names the Python, not numpy."""
    import subprocess
    import sys

    pretend = ("import platform, sys; platform.python_version = lambda: '3.14.0'; sys.modules['numpy'] = None; "
               "import mnist_helpers")
    done = subprocess.run([sys.executable, "-c", pretend], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip().startswith("Python 3.14.0 is outside the 3.10 to 3.13"), done.stderr
    sound = pretend.replace("'3.14.0'", "'3.12.0'")  # a supported Python: the real cause, numpy, comes through
    stderr = subprocess.run([sys.executable, "-c", sound], capture_output=True, text=True, timeout=60).stderr
    assert "ModuleNotFoundError" in stderr and "numpy" in stderr and "Python 3.12.0" not in stderr, stderr
