"""Every notebook follows the house anatomy (shared GUIDE.md) and is committed freshly executed.

nbval re-executes the notebooks; these checks read them as committed, as a reader opening
them in JupyterLab would see them.
"""

import ast
import importlib.util
import json
import re
import subprocess
import sys

import papermill
import pytest

from mnist_helpers.layout import CHECK_TAG, NOTEBOOK_PATTERN, SETUP_TAG, alt_text
from mnist_helpers.layout import NOTEBOOKS as FOLDER

NOTEBOOKS = sorted(FOLDER.glob(NOTEBOOK_PATTERN))
NOISE = ("oneDNN", "absl", "cuda", "cpu_feature_guard", "I0000", "W0000", "E0000")


def cells(path):
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def tagged(path, tag):
    return [i for i, c in enumerate(cells(path)) if tag in c.get("metadata", {}).get("tags", [])]


def test_the_series_is_numbered_without_gaps():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(NOTEBOOKS) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_header_objectives_and_ending(path):
    markdown = [source(c) for c in cells(path) if c["cell_type"] == "markdown"]
    assert markdown[0].startswith(f"# {path.name[:2]} · "), "title first"
    assert "**You will learn to**" in markdown[0] and "**Time:**" in markdown[0]
    text = "\n".join(markdown)
    assert "## Key points" in text and "## Exercises" in text
    assert text.count("<details>") >= 2, "at least two exercises with folded solutions"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_is_plain_documented_and_validated(path):
    (index,) = tagged(path, "parameters")
    cell = cells(path)[index]
    statements = ast.parse(source(cell)).body
    assert statements, "parameters cell is empty"
    for statement in statements:
        assert isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant), (
            f"{ast.unparse(statement)!r}: parameters are plain NAME = literal lines"
        )
    names = [s.targets[0].id for s in statements]
    inspected = papermill.inspect_notebook(str(path))
    assert sorted(inspected) == sorted(names), "papermill must see every parameter (no '=' in comments)"
    for name, info in inspected.items():
        assert info["help"], f"{name} needs a comment saying what it does and its range"
    following = cells(path)[index + 1]
    assert is_check(following), "the validation is a check: folded, and out of the learner edition"
    assert source(following).splitlines()[-1] == f'defaults = mh.check_parameters("{path.name}", globals())', (
        "it reads the ranges from the parameters cell (mnist_helpers.params)")


def is_check(cell):
    return CHECK_TAG in cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_checks_are_folded_out_of_the_lesson(path):
    """The checks that keep the text honest sit in cells of their own, folded, printing nothing."""
    checks = [c for c in cells(path) if is_check(c)]
    assert checks, "the figures the text quotes are checked somewhere"
    for cell in checks:
        assert cell["cell_type"] == "code" and source(cell).startswith("# check"), source(cell)[:80]
        assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, "stored folded"
        assert cell["outputs"] == [], f"a check prints nothing when all is well: {source(cell)[:80]}"
    for cell in cells(path):
        if cell["cell_type"] == "code" and not is_check(cell):
            code = source(cell)
            assert not re.search(r"\bif (not )?defaults\b", code), f"a lesson cell branches on defaults: {code[:80]}"
            assert len(re.findall(r"^\s*assert\b", code, re.M)) <= 2, f"checks in the lesson: {code[:80]}"
        folded = cell["metadata"].get("jupyter", {}).get("source_hidden")
        assert not folded or is_check(cell) or SETUP_TAG in cell["metadata"].get("tags", []), (
            f"only check cells and the set-up cell are stored folded (tests/test_browser.py counts them): "
            f"{source(cell)[:80]}")


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if "mh.ensure_model(" in p.read_text()], ids=lambda p: p.name)
def test_a_notebook_that_loads_a_model_checks_its_figures_only_for_the_default_model(path):
    """06-08 quote the figures of 05's and 07's default models: once a notebook loads one, its checks must
    also ask how that model was made (an instructor may train a smaller 05, then open 06 at its defaults)."""
    notebook = cells(path)
    loads = next(i for i, c in enumerate(notebook) if "mh.ensure_model(" in source(c))
    after = [source(c) for c in notebook[loads:] if is_check(c) and re.search(r"\bdefaults\b", source(c))]
    assert after and "mh.made_with_defaults(" in after[0], "the first check after the load asks about the model"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_fresh_clean_and_quiet(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and source(c).strip()]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "restart and run all before committing"
    for cell in code:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"stored error output in: {source(cell)[:60]}"
            if output.get("name") == "stderr":
                text = "".join(output["text"])
                assert not any(word in text for word in NOISE), f"TensorFlow log noise stored: {text[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_says_what_it_shows(path):
    """Alt text for a reader who cannot see the figure: a `# alt:` comment in each cell that draws one, a sentence or
    two (the HTML export makes it the image's alt attribute; tests/test_runner.py checks that)."""
    for index, cell in enumerate(json.loads(path.read_text())["cells"]):
        if any("image/png" in output.get("data", {}) for output in cell.get("outputs", [])):
            text = alt_text("".join(cell["source"]))
            assert text and len(text.split()) >= 8 and text.endswith("."), (
                f"cell {index} draws a figure: say what it shows in a '# alt: ...' comment of one or two sentences")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_some_cells_are_checked_by_nbval(path):
    assert tagged(path, "nbval-check-output"), "tag the cells whose output is deterministic"


def setup_cell(path):
    first = next(c for c in cells(path) if c["cell_type"] == "code")
    assert SETUP_TAG in first["metadata"].get("tags", []) and first["metadata"]["jupyter"]["source_hidden"] is True
    return source(first)


def test_every_notebook_has_the_same_setup_cell_naming_no_release_until_the_copy_is_published():
    """tests/test_publish.py: publishing writes the release and the Colab badges."""
    (setup,) = {setup_cell(path) for path in NOTEBOOKS}
    assert 'os.environ.get("MNIST_HELPERS_SOURCE", "")' in setup
    assert not any("colab.research.google.com" in source(cells(path)[0]) for path in NOTEBOOKS), "no dead link"


def test_the_setup_cell_does_nothing_where_the_package_is_installed(monkeypatch):
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("pip ran though mnist_helpers is here"))
    exec(setup_cell(NOTEBOOKS[0]), {})


def test_the_setup_cell_installs_the_package_where_it_is_missing_or_says_what_to_do(monkeypatch, capsys):
    """Colab, or a learner's Python without mnist_helpers: pip installs it from MNIST_HELPERS_SOURCE
    (tests/test_bare_environment.py runs a whole notebook so); a failed install is one sentence."""
    calls = []
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    monkeypatch.setattr(subprocess, "run", lambda argv, **k: calls.append(argv) or subprocess.CompletedProcess(argv, 0))
    monkeypatch.setenv("MNIST_HELPERS_SOURCE", "/some/checkout")
    exec(setup_cell(NOTEBOOKS[0]), {})
    assert calls == [[sys.executable, "-m", "pip", "install", "--quiet", "/some/checkout"]]
    assert "Installing the series' helper package from /some/checkout" in capsys.readouterr().out
    monkeypatch.setattr(subprocess, "run", lambda argv, **k: subprocess.CompletedProcess(argv, 1))  # offline, say
    with pytest.raises(SystemExit, match=r"Could not install .* /some/checkout: .*`pip install -r requirements.txt"):
        exec(setup_cell(NOTEBOOKS[0]), {})
