"""The learner edition: `python -m mnist_helpers learner` (and `make learner`).

A copy of the notebooks for a workshop's learners (the "clean" notebooks of fastbook):
outputs cleared, so they run the cells themselves; the exercise solutions (markdown cells
tagged `solution`) and the check cells (tagged `remove-cell`) removed; every lesson cell
stays. nbconvert's own preprocessors do the work. The sample images notebook 07 reads are
copied along.
"""

import errno
import shutil
import sys
from pathlib import Path

from mnist_helpers.layout import CHECK_TAG, NOTEBOOKS, SOLUTION_TAG
from mnist_helpers.series import RunError, select_notebooks

LEARNER = Path("learner")


def add_arguments(parser):
    parser.add_argument("--out", type=Path, default=LEARNER, help="folder to write (default: learner)")
    parser.add_argument("--force", action="store_true", help="overwrite notebooks already in --out")


def write_learner_edition(out, force=False):
    """Write the learner notebooks into `out`; return their paths. Refuses to overwrite without `force`."""
    import nbformat
    from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor

    notebooks = select_notebooks(NOTEBOOKS, [])
    out = Path(out)
    taken = [nb.name for nb in notebooks if (out / nb.name).exists()]
    if taken and not force:
        raise RunError(f"{out} already holds {', '.join(taken)} (perhaps with a learner's work). "
                       f"Choose another --out, or pass --force to overwrite.")
    remove_solutions = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG, CHECK_TAG}, enabled=True)
    clear_outputs = ClearOutputPreprocessor(enabled=True)
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for notebook in notebooks:
            nb = nbformat.read(notebook, as_version=4)
            nb, _ = remove_solutions.preprocess(nb, {})
            nb, _ = clear_outputs.preprocess(nb, {})
            nbformat.write(nb, out / notebook.name)
            written.append(out / notebook.name)
        shutil.copytree(NOTEBOOKS / "images", out / "images", dirs_exist_ok=True)
    except OSError as error:
        what = "permission denied" if error.errno in (errno.EACCES, errno.EPERM) else error.strerror or error
        raise RunError(f"Cannot write the learner edition into {out} ({what}). Choose a folder you can "
                       f"write with --out.") from None
    return written


def learner(args):
    try:
        written = write_learner_edition(args.out, force=args.force)
    except RunError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {len(written)} learner notebooks (outputs cleared, checks and solutions removed) to {args.out}/")
    return 0
