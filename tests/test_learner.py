"""The learner edition (`python -m mnist_helpers learner`): what it removes and what it keeps.

Their code cells are those of notebooks/ (checked here), which the README's quick run of the
series executes (tests/test_readme.py), with the sample images beside them as 08 expects.
"""

import errno
import json
import pathlib
import shutil

import pytest

from mnist_helpers.__main__ import main
from mnist_helpers.layout import CHECK_TAG, NOTEBOOK_PATTERN, NOTEBOOKS
from mnist_helpers.series import RunError
from mnist_helpers.series.learner import RECORD, write_learner_edition


def cells(path, kind):
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == kind]


def text(cell):
    return "".join(cell["source"])


def test_solutions_checks_and_outputs_go_every_lesson_cell_stays(tmp_path):
    written = [path for path in write_learner_edition(tmp_path / "learner").written if path.suffix == ".ipynb"]
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
    ), "notebook 08's sample images come along"


@pytest.fixture
def source(tmp_path, monkeypatch):
    """A copy of notebooks/ (lessons and images) that the learner command reads instead: a test that fails
    here can never cost the repository's own notebooks."""
    copy = tmp_path / "source"
    shutil.copytree(NOTEBOOKS, copy, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    monkeypatch.setattr("mnist_helpers.series.learner.NOTEBOOKS", copy)
    return copy


def snapshot(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


FIRST = "01_looking_at_the_data.ipynb"


def test_a_learner_folder_in_use_is_not_overwritten(tmp_path, capsys, source):
    """A learner's edited notebook and their own photo where a sample goes: kept, with or without --force."""
    out = tmp_path / "learner"
    assert main(["learner", "--out", str(out)]) == 0
    (out / FIRST).write_text("a learner's work")
    (out / "images" / "7-chalk.png").write_bytes(b"a learner's own photo")
    (out / "images" / "7-mine.png").write_bytes(b"another of theirs")
    (out / "02_preprocessing.ipynb").unlink()  # deleted by the learner: simply written again
    before = snapshot(out)
    assert main(["learner", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"already holds {FIRST}, images/7-chalk.png (perhaps with a learner's work)" in err and "--force" in err
    assert snapshot(out) == before, "without --force nothing is written"
    assert main(["learner", "--out", str(out), "--force"]) == 0
    printed = capsys.readouterr().out
    notebooks, images = len(list(source.glob(NOTEBOOK_PATTERN))), len(list((source / "images").iterdir()))
    assert f"{notebooks - 1} notebooks" in printed and f"{images - 1} sample images" in printed, "all but those kept"
    assert f"Kept 2 files already there, which this command did not write or which changed since: {FIRST}, " \
           "images/7-chalk.png." in printed
    assert (out / FIRST).read_text() == "a learner's work"
    assert (out / "images" / "7-chalk.png").read_bytes() == b"a learner's own photo"
    assert (out / "images" / "7-mine.png").read_bytes() == b"another of theirs"
    assert json.loads((out / "02_preprocessing.ipynb").read_text())["cells"]
    assert FIRST not in json.loads((out / RECORD).read_text())["written"], "no longer this command's file"


def test_a_photo_of_their_own_in_a_fresh_folder_is_kept(tmp_path, capsys, source):
    """A folder that never saw the learner command: nothing there is its own, so --force replaces nothing."""
    out = tmp_path / "learner"
    (out / "images").mkdir(parents=True)
    (out / "images" / "3-photo.jpg").write_bytes(b"my three")
    assert main(["learner", "--out", str(out), "--force"]) == 0
    assert "Kept 1 file already there, which this command did not write" in capsys.readouterr().out
    assert (out / "images" / "3-photo.jpg").read_bytes() == b"my three"
    assert (out / "images" / "0-scan.png").read_bytes() == (source / "images" / "0-scan.png").read_bytes()


def test_force_updates_what_it_wrote_and_nobody_changed(tmp_path, capsys, source):
    """The instructor's update during a workshop (docs/hub.md): a lesson changes, --force brings it."""
    out = tmp_path / "learner"
    assert main(["learner", "--out", str(out)]) == 0
    lesson = json.loads((source / FIRST).read_text())
    lesson["cells"][0]["source"] = ["# A new title\n"]
    (source / FIRST).write_text(json.dumps(lesson))
    (source / "images" / "0-scan.png").write_bytes(b"a better sample")
    assert main(["learner", "--out", str(out)]) == 2, "changed files need --force"
    assert main(["learner", "--out", str(out), "--force"]) == 0
    assert "Kept" not in capsys.readouterr().out
    assert json.loads((out / FIRST).read_text())["cells"][0]["source"] == ["# A new title\n"]
    assert (out / "images" / "0-scan.png").read_bytes() == b"a better sample"


def test_a_damaged_record_keeps_everything(tmp_path, capsys, source):
    out = tmp_path / "learner"
    assert main(["learner", "--out", str(out)]) == 0
    (out / FIRST).write_text("edited")
    (out / RECORD).write_text("{not json")
    (source / "images" / "0-scan.png").write_bytes(b"a better sample")
    assert main(["learner", "--out", str(out), "--force"]) == 0
    assert "Kept 2 files" in capsys.readouterr().out
    assert (out / FIRST).read_text() == "edited" and (out / "images" / "0-scan.png").read_bytes() != b"a better sample"


def test_running_it_again_changes_nothing(tmp_path, source):
    out = tmp_path / "learner"
    write_learner_edition(out)
    before = snapshot(out)
    edition = write_learner_edition(out)
    assert snapshot(out) == before and edition.kept == []


@pytest.mark.parametrize("where", ["source", "source/sub", "source/images", "source/../source", "link"])
def test_never_into_the_notebooks_folder(tmp_path, capsys, source, where):
    (tmp_path / "link").symlink_to(source)
    before = snapshot(source)
    assert main(["learner", "--out", str(tmp_path / where), "--force"]) == 2
    err = capsys.readouterr().err
    assert err == (f"ERROR: --out {tmp_path / where} is the series' notebooks folder or inside it, and the learner "
                   f"edition would replace the lessons there. Choose another folder, e.g. --out learner.\n")
    assert snapshot(source) == before and not (source / "sub").exists()


def test_out_given_a_file_or_with_tilde(tmp_path, capsys, monkeypatch, source):
    (tmp_path / "a-file").write_text("mine")
    assert main(["learner", "--out", str(tmp_path / "a-file")]) == 2
    assert f"--out {tmp_path / 'a-file'} is a file, not a folder" in capsys.readouterr().err
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert main(["learner", "--out=~/learner"]) == 0
    assert (tmp_path / "home" / "learner" / FIRST).is_file()


def test_an_out_folder_that_cannot_be_made_is_a_sentence(tmp_path, capsys):
    (tmp_path / "a-file").write_text("")
    assert main(["learner", "--out", str(tmp_path / "a-file" / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ERROR: Cannot write the learner edition into {tmp_path / 'a-file' / 'x'} (")
    assert f"writing {FIRST}" in err
    assert "Choose a folder you can write with --out" in err


def test_a_read_only_out_folder_says_permission(tmp_path, monkeypatch):
    """Injected, since root ignores file permissions."""
    def denied(path, data):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(pathlib.Path, "write_bytes", denied)
    with pytest.raises(RunError, match=f"Cannot write the learner edition into {tmp_path} \\(permission denied, "):
        write_learner_edition(tmp_path)
