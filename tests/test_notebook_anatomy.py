"""Every notebook follows the house anatomy (shared GUIDE.md) and is committed freshly executed.

nbval re-executes the notebooks; these checks read them as committed, as a reader opening
them in JupyterLab would see them.
"""

import ast
import json
import re
import sys

import papermill
import pytest

from mnist_helpers.layout import CHECK_TAG, NOTEBOOK_PATTERN
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
    following = source(cells(path)[index + 1]).split("  #")[0]
    assert following == f'defaults = mh.check_parameters("{path.name}", globals())', (
        "one visible validation line: it reads the ranges from the parameters cell (mnist_helpers.params)")


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
def test_some_cells_are_checked_by_nbval(path):
    assert tagged(path, "nbval-check-output"), "tag the cells whose output is deterministic"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_without_the_helper_package_the_first_cell_says_how_to_install_it(path, monkeypatch):
    """A learner's copy in a Python without mnist_helpers: one sentence, not a bare ModuleNotFoundError."""
    first = next(source(c) for c in cells(path) if c["cell_type"] == "code")
    monkeypatch.setitem(sys.modules, "mnist_helpers", None)  # `import mnist_helpers` now fails as if absent
    with pytest.raises(SystemExit, match=r"mnist_helpers is not installed: .*pip install -r requirements.txt -e \."):
        exec(first, {})
