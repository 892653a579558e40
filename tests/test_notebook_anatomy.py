"""Every notebook follows the house anatomy (shared GUIDE.md) and is committed freshly executed.

nbval re-executes the notebooks; these checks read them as committed, as a reader opening
them in JupyterLab would see them.
"""

import ast
import builtins
import json
from pathlib import Path

import papermill
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
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
    following = source(cells(path)[index + 1])
    for name in names:
        assert name in following, f"{name} is not validated in the cell after the parameters"
    # The runner executes this cell up front with only these names (mnist_helpers.runner.validate).
    nodes = list(ast.walk(ast.parse(following)))
    assigned = {node.id for node in nodes if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    available = set(names) | assigned | {"mh"} | set(dir(builtins))
    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            assert node.id in available, f"the validation cell uses {node.id}: only parameters, mh and builtins"


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
