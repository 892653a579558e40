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


def tiny_notebook(folder, solution_code):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("answer = 6 * 7"),
        nbformat.v4.new_markdown_cell("1. What is `answer`?"),
        nbformat.v4.new_markdown_cell(
            f"<details><summary>Solution 1</summary>\n\nIt is 42:\n\n```python\n{solution_code}\n```\n</details>",
            metadata={"tags": ["solution"]},
        ),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "tiny.ipynb")
    shutil.copy(HERE / "conftest.py", folder / "conftest.py")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
         "-q", str(folder)],
        capture_output=True, text=True, timeout=300, cwd=folder,
    )


@pytest.mark.slow
@pytest.mark.parametrize("code, passes", [("assert answer == 42", True), ("assert answer == 41", False)])
def test_a_solution_runs_after_its_notebook_in_the_same_kernel(tmp_path, code, passes):
    done = tiny_notebook(tmp_path, code)
    assert (done.returncode == 0) is passes, done.stdout[-2000:]
    assert ("2 passed" if passes else "1 failed, 1 passed") in done.stdout, "the notebook cell, then the solution"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_solution_is_checked_code(path):
    """Each "Solution N" holds a ```python block that asserts the result its text states."""
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
