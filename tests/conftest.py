"""Shared fixtures. The real MNIST file is found the way users find it ($MNIST_NPZ or the
Keras cache); tests that need it skip, saying why, on a machine that has neither."""

import datetime
import functools
import re
from collections import defaultdict

import nbformat
import numpy as np
import pytest

from mnist_helpers.data import EXPECTED_ARRAYS, MnistDataError, find_mnist
from mnist_helpers.layout import SOLUTION_TAG


@pytest.fixture(scope="session")
def mnist_path():
    try:
        path = find_mnist()
    except MnistDataError as error:
        pytest.skip(str(error))
    if path is None:
        pytest.skip("MNIST is not on this machine: set MNIST_NPZ or run `python -m mnist_helpers fetch`")
    return path


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    """An empty Keras cache and no $MNIST_NPZ, so nothing on the machine leaks into a test."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    return tmp_path / "keras_home" / "datasets"


def right_shapes(**overrides):
    """Arrays with MNIST's keys, shapes and dtypes, all zeros (so their checksums are wrong)."""
    arrays = {key: np.zeros(shape, dtype=np.uint8) for key, (shape, _) in EXPECTED_ARRAYS.items()}
    arrays.update(overrides)
    return arrays


# --- Exercise solutions run after their notebook -------------------------------------------
# nbval executes each notebook's code cells in one kernel. The ```python blocks folded away in
# its `solution` cells (the <details> answers the learner edition removes) are then run in the
# same kernel, in order, each followed by its check: the asserts of the result the answer states,
# in an HTML comment right after the block (`<!-- check ... -->`), which rendered markdown hides.

SOLUTION_CODE = re.compile(r"```python\n(.*?)```(?:\n<!-- check\n(.*?)-->)?", re.S)
SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.S)


def solution_blocks(notebook):
    """(title, code) of every ```python block in the notebook's solution cells, in order, with its check."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown" and SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            text = "".join(cell["source"])
            title = SUMMARY.search(text)
            for code, check in SOLUTION_CODE.findall(text):
                yield (title.group(1).strip() if title else "solution"), code + check


def notebook_functions(path, names, namespace):
    """The functions `names` as the notebook at `path` defines them in its code cells, executed on their own in
    `namespace` (the modules they use), which is returned: a lesson's own code, tested without a kernel."""
    import ast
    import json

    definitions = {}
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.parse("".join(cell["source"])).body:
            if isinstance(node, ast.FunctionDef) and node.name in names:
                assert node.name not in definitions, f"{path.name} defines {node.name} twice"
                definitions[node.name] = node
    assert sorted(definitions) == sorted(names), f"{path.name} no longer defines {set(names) - set(definitions)}"
    exec(compile(ast.Module(body=list(definitions.values()), type_ignores=[]), str(path), "exec"), namespace)
    return namespace


def pytest_collection_modifyitems(session, config, items):
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:
        return
    with_solutions = []
    for index, item in enumerate(items):
        with_solutions.append(item)
        following = items[index + 1] if index + 1 < len(items) else None
        if isinstance(item, IPyNbCell) and (following is None or following.parent is not item.parent):
            for number, (title, code) in enumerate(solution_blocks(item.parent.nb), 1):
                cell = nbformat.v4.new_code_cell(code)
                with_solutions.append(IPyNbCell.from_parent(
                    item.parent, name=f"{title} (block {number})", cell_num=item.cell_num + number,
                    cell=cell, options=defaultdict(bool, check=False),
                ))
    items[:] = in_schedule_order(with_solutions)


def in_schedule_order(items):
    """The notebooks that share a run folder first, then the files holding `slow` tests, then the rest,
    then the notebooks that stand alone, longest first; each file's items in order."""
    files = {}
    for item in items:
        files.setdefault(str(item.path), []).append(item)
    notebooks = [path for path in files if path.endswith(".ipynb")]
    chained = [path for path in notebooks if shares_run_folder(path)]
    alone = sorted((path for path in notebooks if path not in chained), key=recorded_seconds, reverse=True)
    slow = [path for path, group in files.items() if path not in notebooks and
            any(item.get_closest_marker("slow") for item in group)]
    rest = [path for path in files if path not in notebooks and path not in slow]
    return [item for path in chained + slow + rest + alone for item in files[path]]


@functools.cache
def shares_run_folder(path):
    """Whether the notebook's parameters cell declares RUN_DIR: 05 to 08 save and read each other's
    models there (a notebook without one, like a test's stand-in, does not)."""
    return any("parameters" in cell.metadata.get("tags", []) and re.search(r"^RUN_DIR\s*=", cell.source, re.M)
               for cell in nbformat.read(path, as_version=4).cells)


def recorded_seconds(path):
    """How long the notebook's cells took when it was last executed (nbclient records it)."""
    seconds = 0.0
    for cell in nbformat.read(path, as_version=4).cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            start, end = (datetime.datetime.fromisoformat(timing[key].replace("Z", "+00:00"))
                          for key in ("iopub.execute_input", "shell.execute_reply"))
            seconds += (end - start).total_seconds()
    return seconds


@pytest.hookimpl(optionalhook=True)  # the hook exists only when pytest-xdist is installed
def pytest_xdist_make_scheduler(config, log):
    """Two workers (`make test` runs pytest -n 2 --dist loadfile), each taking whole test files in the
    order above, except that the notebooks sharing a run folder go to one worker as one unit, in
    order: a notebook's cells must run in one kernel, and 06 and 08 then find the models 05 and 07
    saved (in parallel, they would train those models again). That unit is the longest, so it goes
    first; the notebooks that stand alone go last, to whichever worker is free. The quick series on
    each backend (make test-extra) is a unit of its own, so that the two run side by side. xdist's own
    `--dist loadgroup` would group them, but its group marks do not reach the scheduler under pytest 9.2.
    """
    if config.getvalue("dist") != "loadfile":  # another --dist given on the command line: xdist's own
        return None
    from xdist.scheduler import LoadScopeScheduling

    class RunFolderInOneUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            path = nodeid.split("::", 1)[0]
            if path.endswith(".ipynb") and shares_run_folder(str(config.rootpath / path)):
                return "notebooks sharing a run folder"
            if "::test_the_quick_series[" in nodeid:
                return nodeid
            return path

    return RunFolderInOneUnit(config, log)
