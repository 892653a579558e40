"""Publishing a copy of the series: until then no dead link, and a set-up cell that says what to do; after, the
README's publish command (run as printed, in a scratch copy) gives every notebook its Colab badge and release."""

import importlib.util
import shutil
import subprocess
import sys

import nbformat
import pytest
from test_notebook_anatomy import NOTEBOOKS, setup_cell
from test_readme import command, run

from mnist_helpers.layout import ROOT
from mnist_helpers.series.publish import main

PUBLISH = ".venv/bin/python -m mnist_helpers.series.publish"


@pytest.fixture
def copy(tmp_path):
    """The files publishing writes, as a fork's folder holds them."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path)
    return tmp_path


def without_pip(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    monkeypatch.delenv("MNIST_HELPERS_SOURCE", raising=False)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda argv, **k: calls.append(argv) or subprocess.CompletedProcess(argv, 0))
    return calls


def test_an_unpublished_setup_cell_says_what_to_do_and_installs_nothing(monkeypatch):
    calls = without_pip(monkeypatch)
    with pytest.raises(SystemExit, match=r"not published.*`pip install -r requirements.txt -e .`"):
        exec(setup_cell(NOTEBOOKS[0]), {})
    assert calls == []


def test_the_readme_command_publishes_every_notebook_and_the_readme(copy, monkeypatch):
    line = command(PUBLISH)
    done = run(line, copy)
    assert done.returncode == 0, done.stderr
    repository = line.split()[-1]
    assert "git tag v0.1.0" in done.stdout
    readme = (copy / "README.md").read_text()
    assert f"https://mybinder.org/v2/gh/{repository}/HEAD" in readme
    for path in NOTEBOOKS:
        before, after = nbformat.read(path, 4), nbformat.read(copy / "notebooks" / path.name, 4)
        badge = f"(https://colab.research.google.com/github/{repository}/blob/main/notebooks/{path.name})"
        title, blank, badge_line = after.cells[0].source.splitlines()[:3]
        assert (title, blank) == (before.cells[0].source.splitlines()[0], "") and badge in badge_line
        assert badge in readme
        assert [cell.get("outputs") for cell in after.cells] == [cell.get("outputs") for cell in before.cells]
    calls = without_pip(monkeypatch)
    exec(setup_cell(copy / "notebooks" / NOTEBOOKS[0].name), {})
    assert calls == [[sys.executable, "-m", "pip", "install", "--quiet", f"git+https://github.com/{repository}@v0.1.0"]]


def test_publishing_again_replaces_the_address(copy, monkeypatch):
    monkeypatch.chdir(copy)
    for repository in ("ada/first", "ada/mnist-series"):
        main([repository])
    text = "".join(path.read_text() for path in [copy / "README.md", *(copy / "notebooks").glob("*.ipynb")])
    assert "ada/first" not in text
    assert text.count("colab.research.google.com/github/ada/mnist-series/") == 2 * len(NOTEBOOKS)


@pytest.mark.parametrize("repository", ["nonsense", "https://github.com/ada/mnist-series", "ada/mnist series"])
def test_a_nonsense_address_changes_nothing_and_says_what_is_wanted(copy, repository, monkeypatch):
    monkeypatch.chdir(copy)
    before = {path: path.read_bytes() for path in copy.rglob("*") if path.is_file()}
    with pytest.raises(SystemExit, match="owner/name, like ada/mnist-series"):
        main([repository])
    assert {path: path.read_bytes() for path in copy.rglob("*") if path.is_file()} == before


def test_publishing_outside_a_copy_of_the_series_says_where_to_run_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit, match="run this in your fork's folder"):
        main(["ada/mnist-series"])
