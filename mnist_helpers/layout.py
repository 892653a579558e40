"""Where the series keeps things, and the tags that mark notebook cells: defined here once."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the repository (the package is installed editable)
NOTEBOOKS = ROOT / "notebooks"
DOCS = ROOT / "docs"  # the instructor guide and the hub: for the tooling, not there in a non-editable install
# What `make bench` and `make ablations` measured, for the notebooks that plot it: package data, so that a
# learner's copy finds it wherever the package is installed (pyproject.toml ships it).
MEASURED = Path(__file__).resolve().parent / "measured"
NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"  # the numbered lessons: 01_looking_at_the_data.ipynb, ...

# Cell tags. A check cell keeps the narration's figures honest: nbval and the runner execute it,
# JupyterLab shows it folded, and the learner edition and the HTML export drop it. The name is
# Jupyter Book's, which drops such cells from a book for the same reason.
CHECK_TAG = "remove-cell"
SOLUTION_TAG = "solution"  # a markdown cell holding a folded exercise solution
SETUP_TAG = "setup"  # the folded first code cell: installs the helper package where it is missing (Colab)
EXPORT_TAG = "export"  # a code cell copied into a package module (python -m mnist_helpers.series.export)

# A code cell that draws a figure says what the figure shows, for a reader who cannot see it, in a comment:
# "# alt: ...", continued on lines that start "#      ". The HTML export makes it the image's alt text.
ALT_COMMENT = re.compile(r"^# alt: (.+(?:\n#      .+)*)", re.M)


def alt_text(source):
    """The alt text a code cell's `# alt:` comment gives its figure, on one line; None without one."""
    found = ALT_COMMENT.search(source)
    return " ".join(found.group(1).replace("\n#      ", " ").split()) if found else None


def user_path(text):
    """A path as a user typed it, `~` and `~name` read as a shell reads them, wherever it was typed (a
    notebook parameter, `--runs-dir=~/runs`, which the shell leaves alone); a `~name` naming no user
    stays as typed, as in a shell."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # no such user, or no home folder
        return Path(text)
