"""The learner edition: `python -m mnist_helpers learner` (and `make learner`).

A copy of the notebooks for a workshop's learners (the "clean" notebooks of fastbook):
outputs cleared, so they run the cells themselves; the exercise solutions (markdown cells
tagged `solution`) and the check cells (tagged `remove-cell`) removed; every lesson cell
stays. nbconvert's own preprocessors do the work. The sample images notebook 08 reads are
copied along.

It never costs a learner their work. It never writes into notebooks/ (the lessons themselves).
It records what it wrote, with each file's SHA-256, in <out>/.learner-edition.json, and
replaces a file only with --force and only if the file still holds what it wrote: a notebook a
learner edited, or a photo of their own where a sample image would go, is kept and listed.
"""

import errno
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import NamedTuple

from mnist_helpers.layout import CHECK_TAG, NOTEBOOKS, SOLUTION_TAG, user_path
from mnist_helpers.series import RunError, select_notebooks

LEARNER = Path("learner")
RECORD = ".learner-edition.json"  # {"written": {relative path: SHA-256}}, in --out


class Edition(NamedTuple):
    written: list  # paths that now hold the learner edition's files
    kept: list  # paths already there that it left alone: a learner's, or changed since it wrote them


def add_arguments(parser):
    parser.add_argument("--out", type=user_path, default=LEARNER, help="folder to write (default: learner)")
    parser.add_argument("--force", action="store_true",
                        help="replace files an earlier learner command wrote into --out, if nobody changed them "
                             "since (anything else there is kept)")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def file_sha256(path):
    """The SHA-256 of a file's bytes, or None when it is no readable file (a folder, say)."""
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None


def edition_files():
    """{relative path: bytes} of the learner edition: the cleaned notebooks and the sample images."""
    import nbformat
    from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor

    remove_solutions = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG, CHECK_TAG}, enabled=True)
    clear_outputs = ClearOutputPreprocessor(enabled=True)
    files = {}
    for notebook in select_notebooks(NOTEBOOKS, []):
        nb = nbformat.read(notebook, as_version=4)
        nb, _ = remove_solutions.preprocess(nb, {})
        nb, _ = clear_outputs.preprocess(nb, {})
        files[notebook.name] = (nbformat.writes(nb) + "\n").encode("utf-8")  # as nbformat.write writes it
    for image in sorted((NOTEBOOKS / "images").rglob("*")):
        if image.is_file():
            files[image.relative_to(NOTEBOOKS).as_posix()] = image.read_bytes()
    return files


def read_record(out):
    """{relative path: SHA-256} of what this command wrote into `out`; {} if it has no record it can read,
    so that every file already there counts as someone else's."""
    try:
        written = json.loads((out / RECORD).read_text(encoding="utf-8"))["written"]
        return {name: digest for name, digest in written.items() if isinstance(digest, str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_file(target, data):
    """Write by renaming a temporary file over `target`: never half a notebook, never through a symlink."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def check_out(out):
    """Refuse the series' own notebooks folder (or a folder inside it, or a link to it), and a file."""
    source = NOTEBOOKS.resolve()
    if out.resolve() == source or source in out.resolve().parents:
        raise RunError(f"--out {out} is the series' notebooks folder or inside it, and the learner edition "
                       f"would replace the lessons there. Choose another folder, e.g. --out learner.")
    if out.exists() and not out.is_dir():
        raise RunError(f"--out {out} is a file, not a folder. Choose a folder with --out.")


def write_learner_edition(out, force=False):
    """Write the learner edition into `out`; return its Edition (what is written, what was kept).

    A file already there that holds what this command would write is left as it is. Any other is
    an error without `force`; with it, a file this command wrote and nobody changed since is
    replaced, and every other one is kept.
    """
    out = Path(out)
    check_out(out)
    files = edition_files()
    record = read_record(out)
    to_write, ours, theirs = {}, [], []
    for name, data in files.items():
        target = out / name
        if not (target.exists() or target.is_symlink()):
            to_write[name] = data
            continue
        found = file_sha256(target)
        if found == sha256(data):
            continue  # already the learner edition's file
        if found is not None and record.get(name) == found:
            ours.append(name)
            to_write[name] = data
        else:
            theirs.append(name)
    if (ours or theirs) and not force:
        raise RunError(f"{out} already holds {', '.join(ours + theirs)} (perhaps with a learner's work). Choose "
                       f"another --out, or pass --force, which replaces only what this command wrote there and "
                       f"nobody changed since, and keeps the rest.")
    # The record lists every file that holds what this command wrote, so a later --force knows them.
    written = {name: sha256(data) for name, data in files.items() if name not in theirs}
    to_write[RECORD] = (json.dumps({"written": written}, indent=2) + "\n").encode("utf-8")
    for name, data in to_write.items():
        try:
            write_file(out / name, data)
        except OSError as error:
            what = "permission denied" if error.errno in (errno.EACCES, errno.EPERM) else error.strerror or error
            raise RunError(f"Cannot write the learner edition into {out} ({what}, writing {name}). Choose a "
                           f"folder you can write with --out.") from None
    return Edition([out / name for name in written], [out / name for name in theirs])


def learner(args):
    try:
        edition = write_learner_edition(args.out, force=args.force)
    except RunError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    notebooks = sum(path.suffix == ".ipynb" for path in edition.written)
    print(f"Wrote the learner edition to {args.out}/: {notebooks} notebooks (outputs cleared, checks and "
          f"solutions removed) and {len(edition.written) - notebooks} sample images.")
    if edition.kept:
        names = ", ".join(path.relative_to(args.out).as_posix() for path in edition.kept)
        files = "1 file" if len(edition.kept) == 1 else f"{len(edition.kept)} files"
        print(f"Kept {files} already there, which this command did not write or which changed since: {names}. "
              f"To get the learner edition's copy of one, move it away and run again.")
    return 0
