"""Lesson code written once: each exported module is its head, the marker, then its notebook's `export` cells."""

import json
import shutil

import pytest

from mnist_helpers.layout import EXPORT_TAG, ROOT
from mnist_helpers.series import export

HANDWRITING = {"mnist_helpers/handwriting.py": ("08_your_handwriting.ipynb", EXPORT_TAG)}


def test_the_exported_modules_are_what_the_notebooks_give(capsys):
    assert export.main(["--check"]) == 0, capsys.readouterr().out


@pytest.fixture
def copy(tmp_path):
    """A copy of mnist_helpers/handwriting.py and notebook 08, laid out as in the repository."""
    for relative in ("mnist_helpers/handwriting.py", "notebooks/08_your_handwriting.ipynb"):
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
    module = copy / "mnist_helpers/handwriting.py"
    head = module.read_text().partition("# --- From notebooks/")[0]
    edit_notebook(copy / "notebooks/08_your_handwriting.ipynb", "PART_SHARE = 0.1", "PART_SHARE = 0.2")
    assert export.main(["--check"], root=copy, modules=HANDWRITING) == 1
    printed = capsys.readouterr().out
    assert "mnist_helpers/handwriting.py is not what notebooks/08_your_handwriting.ipynb exports" in printed
    assert "run `python -m mnist_helpers.series.export`" in printed
    assert "-PART_SHARE = 0.1" in printed and "+PART_SHARE = 0.2" in printed
    assert module.read_text().count("PART_SHARE = 0.1") == 1, "--check changes nothing"

    assert export.main([], root=copy, modules=HANDWRITING) == 0
    text = module.read_text()
    assert text.startswith(head), "the hand-written head is kept as it is"
    assert "PART_SHARE = 0.2" in text and text.endswith("\n") and not text.endswith("\n\n")
    assert export.main(["--check"], root=copy, modules=HANDWRITING) == 0


def test_an_edit_below_the_marker_is_detected_and_undone(copy, capsys):
    module = copy / "mnist_helpers/handwriting.py"
    original = module.read_text()
    module.write_text(original.replace("    return field\n", "    return field.T\n"))
    assert export.main(["--check"], root=copy, modules=HANDWRITING) == 1
    assert "+    return field" in capsys.readouterr().out.splitlines()
    export.main([], root=copy, modules=HANDWRITING)
    assert module.read_text() == original


def test_a_module_without_the_marker_is_refused(copy):
    module = copy / "mnist_helpers/handwriting.py"
    module.write_text(module.read_text().replace("# --- From notebooks/", "# From notebooks/"))
    with pytest.raises(SystemExit, match="has no line"):
        export.main(["--check"], root=copy, modules=HANDWRITING)
