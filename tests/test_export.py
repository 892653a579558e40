"""Lesson code written once: each exported module is its head, the marker, then its notebook's `export` cells."""

import json
import shutil

import pytest

from mnist_helpers.layout import EXPORT_TAG, ROOT
from mnist_helpers.series import export

TRAINING = {"mnist_helpers/training.py": "05_training.ipynb"}


def test_the_exported_modules_are_what_the_notebooks_give(capsys):
    assert export.main(["--check"]) == 0, capsys.readouterr().out


@pytest.fixture
def copy(tmp_path):
    """A copy of mnist_helpers/training.py and notebook 05, laid out as in the repository."""
    for relative in ("mnist_helpers/training.py", "notebooks/05_training.ipynb"):
        (tmp_path / relative).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / relative, tmp_path / relative)
    return tmp_path


def edit_notebook(path, old, new):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = [cell for cell in notebook["cells"] if EXPORT_TAG in cell["metadata"].get("tags", [])
             and any(old in line for line in cell["source"])]
    assert len(cells) == 1, f"one export cell holds {old!r}"
    cells[0]["source"] = [line.replace(old, new) for line in cells[0]["source"]]
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_a_changed_line_in_an_exported_cell_is_detected_then_exported(copy, capsys):
    module = copy / "mnist_helpers/training.py"
    head = module.read_text().partition("# --- From notebooks/")[0]
    edit_notebook(copy / "notebooks/05_training.ipynb", "warmup_share=0.1", "warmup_share=0.2")
    assert export.main(["--check"], root=copy, modules=TRAINING) == 1
    printed = capsys.readouterr().out
    assert "mnist_helpers/training.py is not what notebooks/05_training.ipynb exports" in printed
    assert "run `python -m mnist_helpers.series.export`" in printed
    assert "warmup_share=0.1)" in printed and "warmup_share=0.2)" in printed
    assert module.read_text().count("warmup_share=0.1") == 1, "--check changes nothing"

    assert export.main([], root=copy, modules=TRAINING) == 0
    text = module.read_text()
    assert text.startswith(head), "the hand-written head is kept as it is"
    assert "warmup_share=0.2" in text and text.endswith("\n") and not text.endswith("\n\n")
    assert export.main(["--check"], root=copy, modules=TRAINING) == 0


def test_an_edit_below_the_marker_is_detected_and_undone(copy, capsys):
    module = copy / "mnist_helpers/training.py"
    original = module.read_text()
    module.write_text(original.replace("max(1, int(", "max(2, int("))
    assert export.main(["--check"], root=copy, modules=TRAINING) == 1
    assert any(line.startswith("+") and "max(1, int(" in line for line in capsys.readouterr().out.splitlines())
    export.main([], root=copy, modules=TRAINING)
    assert module.read_text() == original


def test_a_module_without_the_marker_is_refused(copy):
    module = copy / "mnist_helpers/training.py"
    module.write_text(module.read_text().replace("# --- From notebooks/", "# From notebooks/"))
    with pytest.raises(SystemExit, match="has no line"):
        export.main(["--check"], root=copy, modules=TRAINING)
