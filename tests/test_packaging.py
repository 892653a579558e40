"""What the package declares and what the two requirements files, conda and make install.

conda cannot run here (no conda-forge), so environment.yml is checked for its structure only.
"""

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions

import yaml

from mnist_helpers.layout import ROOT

DEV_ONLY = {"pytest", "nbval", "pytest-xdist", "ruff", "playwright", "psutil"}


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path):
    """{distribution: line} of a requirements file's requirement lines."""
    lines = (line.split(" #")[0].strip() for line in path.read_text().splitlines())
    return {normalise(re.split(r"[=<>;\s]", line)[0]): line for line in lines if line and not line.startswith("#")}


def imported_distributions():
    """Distributions whose modules mnist_helpers imports (anywhere, also inside functions)."""
    modules = set()
    for path in (ROOT / "mnist_helpers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    modules -= set(sys.stdlib_module_names) | {"mnist_helpers"}
    providers = packages_distributions()
    return {module: {normalise(d) for d in providers[module]} for module in modules}


def test_pyproject_declares_every_imported_distribution():
    declared = {normalise(re.split(r"[=<>;\s]", d)[0])
                for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    for module, distributions in imported_distributions().items():
        if module == "tensorflow":  # the backend: requirements.txt picks tensorflow-cpu or tensorflow (see pyproject)
            continue
        assert distributions & declared, f"mnist_helpers imports {module}: declare {distributions} in pyproject.toml"
    assert "ipykernel" in declared, "the runner starts python3 kernels"


def test_learner_pins_and_development_pins_are_split():
    learner, dev = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    assert not DEV_ONLY & set(learner), "tests, lint and the browser driver are not a learner's business"
    for name in ("keras", "jupyterlab", "ipywidgets", "ipykernel", "papermill", "nbconvert", "matplotlib", "pillow",
                 "numpy", "pyyaml"):
        assert re.fullmatch(rf"{name}==[\d.]+", learner[name], re.I), learner[name]
    assert learner["tensorflow-cpu"].endswith('; sys_platform == "linux" and platform_machine == "x86_64"')
    assert learner["tensorflow"].endswith('; sys_platform != "linux" or platform_machine != "x86_64"')
    assert learner["tensorflow"].split(";")[0] == learner["tensorflow-cpu"].split(";")[0].replace("-cpu", "")
    assert (ROOT / "requirements-dev.txt").read_text().count("-r requirements.txt") == 1
    assert set(dev) == DEV_ONLY | {"-r"} and all("==" in line for name, line in dev.items() if name != "-r")


def test_environment_yml_installs_the_learner_set():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["name"] == "mnist-series" and env["channels"] == ["conda-forge"]
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    minor = int(python.split("=")[1].split(".")[1])
    assert 10 <= minor <= 13, "inside pyproject's requires-python and TensorFlow 2.21's wheels"
    assert "pip" in env["dependencies"]
    (pip,) = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert pip == ["-r requirements.txt", "-e ."]


def test_make_reinstalls_when_either_requirements_file_changes():
    def would_install(changed):
        done = subprocess.run(["make", "-n", "-W", changed, "test"], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return [line for line in done.stdout.splitlines() if "pip install" in line]

    assert any("-r requirements.txt -e ." in line for line in would_install("requirements.txt"))
    assert any("-r requirements-dev.txt" in line for line in would_install("requirements.txt"))
    assert [line.split()[-1] for line in would_install("requirements-dev.txt")] == ["requirements-dev.txt"]
    run = subprocess.run(["make", "-n", "-W", "requirements-dev.txt", "run"], cwd=ROOT, capture_output=True, text=True)
    assert "pip install" not in run.stdout, "make run needs only the learner's set"


def test_bare_pytest_finds_the_tests_imports():
    """`pytest`, not only `python -m pytest`: the tests import benchmarks/, so the root must be on the path."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "." in options["pythonpath"]


def test_the_package_and_its_tooling_are_installed():
    """A non-editable install must carry the series' tooling too (setuptools lists packages one by one)."""
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    found = sorted(".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "mnist_helpers").rglob("__init__.py"))
    assert sorted(listed) == found


def test_no_module_is_too_long_to_read():
    for path in (ROOT / "mnist_helpers").rglob("*.py"):
        assert len(path.read_text().splitlines()) <= 300, f"{path.relative_to(ROOT)}: split it"
