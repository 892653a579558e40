"""The headless series runner: `python -m mnist_helpers run` (and `make run`).

Executes the numbered notebooks in order with papermill, in this Python environment's
kernel, with `notebooks/` as working directory and one run folder shared by all of them, so
the model notebook 04 saves is the one notebook 05 analyses. Each run gets its own folder
under runs/ holding the executed notebooks, their HTML exports, the artefacts and
summary.json, so two runs never touch each other's files.
"""

import ast
import datetime
import difflib
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml
from jupyter_client.manager import AsyncKernelManager

from mnist_helpers.artifacts import MODEL_MAKERS, load_model, read_json, write_json

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
RUNS = Path("runs")


class RunError(RuntimeError):
    """The run cannot start or stopped; the message says what to do."""


def add_arguments(parser):
    parser.add_argument("--name", help="run folder name under --runs-dir (default: a timestamp)")
    parser.add_argument("--runs-dir", type=Path, default=RUNS, help="where run folders go (default: runs)")
    parser.add_argument(
        "-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
        help="set a notebook parameter, e.g. -p EPOCHS 3 (VALUE is read as YAML: 3, 0.5, true, text)",
    )
    parser.add_argument(
        "-f", "--parameters-file", type=Path, help="YAML file of NAME: VALUE pairs (-p wins over it)"
    )
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="NB",
        help="run only these notebooks, by number or name prefix (e.g. --only 01 04)",
    )
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="folder of the numbered notebooks")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML export of each notebook")


def select_notebooks(folder, only):
    """The numbered notebooks (NN_*.ipynb) in order, optionally filtered by prefixes."""
    notebooks = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
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


def read_parameters(pairs, parameters_file):
    parameters = {}
    if parameters_file:
        try:
            loaded = yaml.safe_load(Path(parameters_file).read_text()) or {}
        except (OSError, yaml.YAMLError) as error:
            raise RunError(f"Cannot read the parameters file {parameters_file}: {error}") from None
        if not isinstance(loaded, dict):
            raise RunError(f"{parameters_file} must hold NAME: VALUE lines, got {type(loaded).__name__}.")
        parameters.update(loaded)
    for name, value in pairs:
        parameters[name] = yaml.safe_load(value)  # the same typing papermill's own -p uses
    return parameters


def declared_parameters(notebook):
    """{NAME: default value} of the notebook's `parameters` cell, as papermill reads it."""
    import papermill

    return {name: ast.literal_eval(info["default"]) for name, info in papermill.inspect_notebook(str(notebook)).items()}


def check_known(parameters, declared):
    """Reject names no selected notebook declares: a typo must not be silently ignored."""
    known = set().union(*declared.values())
    for name in parameters:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise RunError(
                f"Unknown parameter {name!r}: no selected notebook declares it.{hint} "
                f"Known: {', '.join(sorted(known))}."
            )
    if "RUN_DIR" in parameters:
        raise RunError("RUN_DIR is set by the runner; choose the folder with --name / --runs-dir.")


def new_run_folder(runs_dir, name):
    """Create runs/<name> (or runs/<timestamp>), refusing to reuse a folder that has files."""
    runs_dir = Path(runs_dir)
    if name is None:
        name = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        candidate, n = runs_dir / name, 1
        while candidate.exists():
            n += 1
            candidate = runs_dir / f"{name}-{n}"
    else:
        candidate = runs_dir / name
    try:
        candidate.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RunError(
            f"Cannot create the run folder {candidate} ({error.strerror or error}). "
            f"Choose a writable place with --runs-dir."
        ) from None
    if any(candidate.iterdir()):
        raise RunError(f"The run folder {candidate} already holds a run. Pick another --name or delete it.")
    return candidate.resolve()


def describe_failure(error, output):
    lines = [f"FAILED in {output}"]
    if getattr(error, "exec_count", None) is not None:
        lines.append(f"  cell [{error.exec_count}] raised {error.ename}: {error.evalue}")
    else:
        lines.append(f"  {type(error).__name__}: {error}")
    lines.append(f"  The partly executed notebook is {output}; open it to see the failing cell.")
    return "\n".join(lines)


def export_html(notebook):
    import nbconvert
    import nbformat

    body, _ = nbconvert.HTMLExporter().from_notebook_node(nbformat.read(notebook, as_version=4))
    notebook.with_suffix(".html").write_text(body, encoding="utf-8")


def summary_table(summary):
    rows = [("notebook", "status", "seconds", "headline metrics")]
    for entry in summary["notebooks"]:
        metrics = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                            for k, v in entry.get("metrics", {}).items())
        rows.append((entry["notebook"], entry["status"], f"{entry['seconds']:.1f}", metrics))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3] for row in rows
    )


def run(args):
    """Execute the selected notebooks; return 0 on success, 1 on the first failure."""
    try:
        return _run(args)
    except RunError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2


class IPCKernelManager(AsyncKernelManager):
    """Kernels that talk over Unix sockets named after the kernel, not TCP ports.

    With TCP, two runs starting kernels at the same moment can pick the same free port
    ("Address already in use"); socket files cannot collide.
    """

    def __init__(self, **kwargs):
        # jupyter_client's default socket name is "kernel-ipc" in the working folder, the same
        # for every run, so give each kernel its own.
        unique = Path(tempfile.gettempdir()) / f"mnist-kernel-{uuid.uuid4().hex}"
        super().__init__(transport="ipc", ip=str(unique), **kwargs)


def execute_notebook(notebook, output, parameters):
    """Run one notebook with papermill in this environment's kernel, from its own folder."""
    import papermill

    papermill.execute_notebook(
        str(notebook), str(output), parameters=parameters, cwd=str(Path(notebook).parent),
        progress_bar=sys.stderr.isatty(), request_save_on_cell_execute=True,
        kernel_manager_class=IPCKernelManager,
    )


def ensure_model(run_dir, filename="model.keras", **parameters):
    """Load a model an earlier notebook saved in run_dir; if there is none, run that notebook there first.

    model.keras is notebook 04's dense network, cnn.keras notebook 06's CNN. Used by notebooks
    05, 06 and 07, so that each also works opened on its own; `parameters` go to the notebook run.
    """
    run_dir = Path(run_dir)
    model_path = run_dir / filename
    if not model_path.is_file():
        maker = MODEL_MAKERS[filename]
        given = ", ".join(f"{name}={value!r}" for name, value in parameters.items())
        print(f"No {filename} in {run_dir}: running {maker} there first ({given}); this takes a few minutes.")
        execute_notebook(NOTEBOOKS / maker, run_dir / maker, {"RUN_DIR": str(run_dir.resolve()), **parameters})
    return load_model(model_path)


def _run(args):
    from mnist_helpers.doctor import machine, versions

    notebooks = select_notebooks(Path(args.notebooks), args.only)
    parameters = read_parameters(args.parameter, args.parameters_file)
    declared = {nb: declared_parameters(nb) for nb in notebooks}
    check_known(parameters, declared)
    folder = new_run_folder(args.runs_dir, args.name)
    summary = {
        "run_dir": str(folder),
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "parameters": parameters,  # as given; each notebook's entry holds all it ran with
        "seed": parameters.get("SEED", "each notebook's default (see its parameters)"),
        "versions": versions(),
        "machine": machine(),
        "notebooks": [],
    }
    v, m = summary["versions"], summary["machine"]
    print(f"Run folder: {folder}")
    print(f"keras {v['keras']} on {v['keras_backend']} {v.get(v['keras_backend'], '')}, python {v['python']}, "
          f"{m['cpu_count']} CPUs, {m['platform']}")
    status = 0
    run_start = time.perf_counter()
    for index, notebook in enumerate(notebooks, 1):
        own = {k: v for k, v in parameters.items() if k in declared[notebook]}
        if "RUN_DIR" in declared[notebook]:
            own["RUN_DIR"] = str(folder)
        effective = {**declared[notebook], **own}
        output = folder / notebook.name
        print(f"[{index}/{len(notebooks)}] {notebook.name} ... (run time so far "
              f"{time.perf_counter() - run_start:.0f} s)", flush=True)
        start = time.perf_counter()
        entry = {"notebook": notebook.name, "parameters": effective, "status": "running", "seconds": 0.0}
        summary["notebooks"].append(entry)
        try:
            execute_notebook(notebook, output, own)
            entry["status"] = "ok"
        except Exception as error:  # papermill raises its own errors and the kernel's
            entry["status"] = "failed"
            entry["error"] = f"{getattr(error, 'ename', type(error).__name__)}: {getattr(error, 'evalue', error)}"
            print(describe_failure(error, output), file=sys.stderr)
            status = 1
        entry["seconds"] = round(time.perf_counter() - start, 1)
        metrics_file = folder / f"{notebook.stem}.metrics.json"
        if metrics_file.is_file():
            entry["metrics"] = read_json(metrics_file)
        if not args.no_html and output.is_file():
            export_html(output)
        write_json(folder / "summary.json", summary)
        print(f"      {entry['status']} in {entry['seconds']:.1f} s", flush=True)
        if status:
            break
    print()
    print(summary_table(summary))
    print(f"\nSummary: {folder / 'summary.json'}")
    return status

