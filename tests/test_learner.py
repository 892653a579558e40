"""The learner edition (`python -m mnist_helpers learner`): what it removes and what it keeps.

Their code cells are those of notebooks/ (checked here), which the README's quick run of the
series executes (tests/test_readme.py), with the sample images beside them as 07 expects.
"""

import errno
import json

import nbformat
import pytest

from mnist_helpers.__main__ import main
from mnist_helpers.layout import CHECK_TAG, NOTEBOOK_PATTERN, NOTEBOOKS
from mnist_helpers.series import RunError
from mnist_helpers.series.learner import write_learner_edition


def cells(path, kind):
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == kind]


def text(cell):
    return "".join(cell["source"])


def test_solutions_checks_and_outputs_go_every_lesson_cell_stays(tmp_path):
    written = write_learner_edition(tmp_path / "learner")
    originals = sorted(NOTEBOOKS.glob(NOTEBOOK_PATTERN))
    assert [p.name for p in written] == [p.name for p in originals]
    for original, learner in zip(originals, written):
        lesson = [c for c in cells(original, "code") if CHECK_TAG not in c["metadata"].get("tags", [])]
        assert len(lesson) < len(cells(original, "code")), f"{original.name} has check cells, and they go"
        assert [text(c) for c in cells(learner, "code")] == [text(c) for c in lesson]
        code = "\n".join(text(c) for c in cells(learner, "code"))
        assert "if defaults" not in code and "# check" not in code, learner.name
        for cell in cells(learner, "code"):
            assert cell["outputs"] == [] and cell["execution_count"] is None, learner.name
        markdown = "\n".join(text(c) for c in cells(learner, "markdown"))
        assert "<details>" not in markdown and "Solution" not in markdown, learner.name
        assert "## Exercises" in markdown, "the exercises themselves stay"
        solutions = [c for c in cells(original, "markdown") if "solution" in c["metadata"].get("tags", [])]
        assert len(solutions) >= 2 and all(text(c).startswith("<details>") for c in solutions), original.name
        kept = [c for c in cells(original, "markdown") if c not in solutions]
        assert "<details>" not in "\n".join(text(c) for c in kept), f"{original.name}: untagged solution"
    assert sorted(p.name for p in (tmp_path / "learner" / "images").iterdir()) == sorted(
        p.name for p in (NOTEBOOKS / "images").iterdir()
    ), "notebook 07's sample images come along"


def test_a_learner_folder_in_use_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "learner"
    out.mkdir()
    (out / "01_looking_at_the_data.ipynb").write_text("a learner's work")
    assert main(["learner", "--out", str(out)]) == 2
    assert "already holds 01_looking_at_the_data.ipynb" in capsys.readouterr().err
    assert (out / "01_looking_at_the_data.ipynb").read_text() == "a learner's work"
    assert main(["learner", "--out", str(out), "--force"]) == 0
    assert f"Wrote {len(list(NOTEBOOKS.glob(NOTEBOOK_PATTERN)))} learner notebooks" in capsys.readouterr().out
    assert json.loads((out / "01_looking_at_the_data.ipynb").read_text())["cells"], "--force replaced it"


def test_an_out_folder_that_cannot_be_made_is_a_sentence(tmp_path, capsys):
    (tmp_path / "a-file").write_text("")
    assert main(["learner", "--out", str(tmp_path / "a-file" / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ERROR: Cannot write the learner edition into {tmp_path / 'a-file' / 'x'} (")
    assert "Choose a folder you can write with --out" in err


def test_a_read_only_out_folder_says_permission(tmp_path, monkeypatch):
    """Injected, since root ignores file permissions."""
    def denied(nb, path, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(nbformat, "write", denied)
    with pytest.raises(RunError, match=f"Cannot write the learner edition into {tmp_path} \\(permission denied\\)"):
        write_learner_edition(tmp_path)
