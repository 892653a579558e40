"""Exercise solutions are code that runs: conftest.py appends them to nbval's run of their notebook.

These tests prove the mechanism on a tiny notebook (a wrong solution fails the run) and check
that every notebook's exercise solutions are written so that the mechanism can check them.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import solution_blocks

from mnist_helpers.layout import NOTEBOOK_PATTERN
from mnist_helpers.layout import NOTEBOOKS as FOLDER

HERE = Path(__file__).resolve().parent
NOTEBOOKS = sorted(FOLDER.glob(NOTEBOOK_PATTERN))


def tiny_notebook(path, solution_code, check):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("answer = 6 * 7"),
        nbformat.v4.new_markdown_cell("1. What is `answer`?"),
        nbformat.v4.new_markdown_cell(
            f"<details><summary>Solution 1</summary>\n\nIt is 42:\n\n```python\n{solution_code}\n```\n"
            f"<!-- check\n{check}\n-->\n</details>",
            metadata={"tags": ["solution"]},
        ),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.mark.slow
def test_a_solution_runs_after_its_notebook_in_the_same_kernel(tmp_path):
    """A right answer passes its hidden check after its notebook's cell; a wrong one fails the run (one pytest
    for both)."""
    tiny_notebook(tmp_path / "right.ipynb", "half = answer // 2", "assert half == 21")
    tiny_notebook(tmp_path / "wrong.ipynb", "half = answer // 3", "assert half == 21")
    shutil.copy(HERE / "conftest.py", tmp_path / "conftest.py")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
         "-q", "-rf", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert done.returncode == 1, done.stdout[-2000:]
    assert "1 failed, 3 passed" in done.stdout, "each notebook's cell, then its solution"
    (failure,) = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
    assert "wrong.ipynb" in failure and "Solution 1" in failure


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_solution_is_checked_code(path):
    """Each "Solution N" holds a ```python block, and a check that asserts the result its text states."""
    notebook = json.loads(path.read_text())
    solutions = {}
    for title, code in solution_blocks(notebook):
        solutions.setdefault(title, []).append(code)
    titles = [cell for cell in notebook["cells"] if "solution" in cell.get("metadata", {}).get("tags", [])
              and "<summary>Solution" in "".join(cell["source"])]
    assert titles, "no exercise solutions"
    for cell in titles:
        title = "".join(cell["source"]).split("<summary>")[1].split("</summary>")[0].strip()
        assert title in solutions, f"{title} has no ```python block for CI to run"
        assert any("assert " in code for code in solutions[title]), f"{title} checks nothing it states"
