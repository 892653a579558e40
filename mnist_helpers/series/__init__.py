"""The series' tooling: the headless runner, the learner edition, the lesson-time planner, the
sample photos and the export of lesson code. `import mnist_helpers` (what a notebook imports)
never loads this subpackage; `python -m mnist_helpers ...` does (see cli.py).
"""

from mnist_helpers.layout import NOTEBOOK_PATTERN


class RunError(RuntimeError):
    """A command cannot start or stopped; the message says what to do."""


def select_notebooks(folder, only=()):
    """The numbered notebooks (NN_*.ipynb) in `folder`, in order, optionally filtered by name prefixes."""
    notebooks = sorted(folder.glob(NOTEBOOK_PATTERN))
    if not notebooks:
        raise RunError(f"No numbered notebooks (NN_name.ipynb) in {folder}. Pass --notebooks FOLDER.")
    if not only:
        return notebooks
    chosen = []
    for prefix in only:
        matches = [nb for nb in notebooks if nb.name.startswith(prefix)]
        if not matches:
            names = ", ".join(nb.name for nb in notebooks)
            raise RunError(f"No notebook matches --only {prefix!r}. The series has: {names}")
        chosen += [nb for nb in matches if nb not in chosen]
    return sorted(chosen)
