"""The headless series runner: `python -m mnist_helpers run` (and `make run`).

Executes the numbered notebooks in order with papermill, in this Python environment's
kernel, with `notebooks/` as working directory and one run folder shared by all of them, so
the model notebook 05 saves is the one notebook 06 analyses. Each run gets its own folder
under runs/ holding the executed notebooks, their HTML exports, the artefacts and
summary.json, so two runs never touch each other's files.
"""

import contextlib
import datetime
import signal
import sys
import time
from pathlib import Path, PurePosixPath, PureWindowsPath

from mnist_helpers.artifacts import read_json, write_json
from mnist_helpers.layout import CHECK_TAG, NOTEBOOKS, alt_text, user_path
from mnist_helpers.series import RunError, select_notebooks
from mnist_helpers.series.kernels import SeriesKernelManager, execute_notebook
from mnist_helpers.series.parameters import check_known, declared_parameters, defaults, read_parameters, validate

RUNS = Path("runs")


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM arrived while the series was running."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def add_arguments(parser):
    parser.add_argument("--name", help="run folder name under --runs-dir (default: a timestamp)")
    parser.add_argument("--runs-dir", type=user_path, default=RUNS, help="where run folders go (default: runs)")
    parser.add_argument(
        "-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
        help="set a notebook parameter, e.g. -p EPOCHS 3 (typed as papermill's -p: True, False, None, "
             "int, float such as 1e-3, else text)",
    )
    parser.add_argument(
        "-f", "--parameters-file", type=user_path,
        help="YAML file of NAME: VALUE lines, read as papermill reads -f (dates stay text); -p wins over it",
    )
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="NB",
        help="run only these notebooks, by number or name prefix (e.g. --only 01 05)",
    )
    parser.add_argument("--notebooks", type=user_path, default=NOTEBOOKS, help="folder of the numbered notebooks")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML export of each notebook")


# --- Run folders --------------------------------------------------------------------------

def check_name(name):
    """A run name is one folder name: no separators, no '..', not absolute."""
    if name in ("", ".", "..") or PurePosixPath(name).name != name or PureWindowsPath(name).name != name:
        raise RunError(f"--name must be one folder name (no '/', '\\' or '..'), got {name!r}. "
                       f"Choose where run folders go with --runs-dir.")


def new_run_folder(runs_dir, name):
    """Claim runs/<name> (or runs/<timestamp>): created here, never one that exists already."""
    runs_dir = Path(runs_dir)
    if name is not None:
        check_name(name)
    if runs_dir.exists() and not runs_dir.is_dir():
        raise RunError(f"--runs-dir {runs_dir} is a file, not a folder. Choose a folder with --runs-dir.")
    try:
        runs_dir.mkdir(parents=True, exist_ok=True)
        if name is not None:
            folder = runs_dir / name
            try:
                folder.mkdir()  # atomic: of two runs with one name, exactly one gets the folder
            except FileExistsError:
                raise RunError(f"The run folder {folder} exists already. Pick another --name.") from None
            return folder.resolve()
        stamp, n = datetime.datetime.now().strftime("%Y%m%d-%H%M%S"), 1
        while True:
            folder = runs_dir / (stamp if n == 1 else f"{stamp}-{n}")
            try:
                folder.mkdir()
                return folder.resolve()
            except FileExistsError:
                n += 1
    except OSError as error:
        raise RunError(
            f"Cannot create a run folder in {runs_dir} ({error.strerror or error}). "
            f"Choose a writable place with --runs-dir."
        ) from None


# --- Executing and reporting --------------------------------------------------------------

def describe_failure(error, output):
    lines = [f"FAILED in {output}"]
    if getattr(error, "exec_count", None) is not None:
        lines.append(f"  cell [{error.exec_count}] raised {error.ename}: {error.evalue}")
        lines.append(f"  The partly executed notebook is {output}; open it to see the failing cell.")
    else:  # no cell failed: the kernel could not start, or died
        lines.append(f"  {type(error).__name__}: {error}")
        lines.append("  No cell raised this: the error came from starting or running the notebook's kernel.")
    return "\n".join(lines)


NO_ALT = "No description has been provided for this image"  # what nbconvert writes where a figure has none


def export_html(notebook):
    """The executed notebook as HTML, for a reader: without its check cells, each figure with the alt text its
    cell's `# alt:` comment gives (nbconvert has no template field for it: it marks every figure's missing
    alt text with one placeholder, which is replaced here figure by figure, in order)."""
    import html

    import nbconvert
    import nbformat
    from nbconvert.preprocessors import TagRemovePreprocessor

    executed = nbformat.read(notebook, as_version=4)
    exporter = nbconvert.HTMLExporter()
    exporter.log.setLevel("ERROR")  # its warning about missing alt text: each figure gets its own below
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={CHECK_TAG}), enabled=True)
    body, _ = exporter.from_notebook_node(executed)
    alts = [alt_text(cell.source) or NO_ALT for cell in executed.cells
            if cell.cell_type == "code" and CHECK_TAG not in cell.metadata.get("tags", [])
            for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]
    pieces = body.split(f'alt="{NO_ALT}"')
    if len(pieces) == len(alts) + 1:  # one placeholder per figure, in the notebook's order
        body = pieces[0] + "".join(f'alt="{html.escape(text)}"' + piece for text, piece in zip(alts, pieces[1:]))
    notebook.with_suffix(".html").write_text(body, encoding="utf-8")


def summary_table(summary):
    def figure(value, digits):
        return "n/a" if value is None else f"{value:.{digits}f}"

    rows = [("notebook", "status", "wall s", "CPU s", "peak MiB", "headline metrics")]
    for entry in summary["notebooks"]:
        metrics = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                            for k, v in entry.get("metrics", {}).items())
        rows.append((entry["notebook"], entry["status"], figure(entry.get("seconds"), 1),
                     figure(entry.get("cpu_seconds"), 1), figure(entry.get("peak_mib"), 0), metrics))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths)) + "  " + row[5] for row in rows
    )


def run(args):
    """Execute the selected notebooks; exit status 0 if all ran, 1 on a failure, 2 if the run
    could not start, 130 / 143 when interrupted by Ctrl-C / SIGTERM."""
    try:
        return _run(args)
    except RunError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # while checking parameters, before any notebook started
        print("\nInterrupted by Ctrl-C before the first notebook started.", file=sys.stderr)
        return 130


def _raise_interrupted(signum, frame):
    SeriesKernelManager.interrupted = True
    raise Interrupted(signum)


def check_notebooks_folder(folder):
    if not folder.is_dir():
        what = "is a file" if folder.exists() else "does not exist"
        raise RunError(f"--notebooks {folder} {what}: pass the folder that holds the numbered notebooks "
                       f"(NN_name.ipynb).")


def _run(args):
    from mnist_helpers.doctor import machine, versions

    check_notebooks_folder(Path(args.notebooks))
    notebooks = select_notebooks(Path(args.notebooks), args.only)
    parameters = read_parameters(args.parameter, args.parameters_file)
    declared = {nb: declared_parameters(nb) for nb in notebooks}
    check_known(parameters, declared)
    folder = new_run_folder(args.runs_dir, args.name)
    effective, given = {}, {}
    for notebook in notebooks:
        given[notebook] = {k: v for k, v in parameters.items() if k in declared[notebook]}
        if "RUN_DIR" in declared[notebook]:
            given[notebook]["RUN_DIR"] = str(folder)
        effective[notebook] = {**defaults(declared[notebook]), **given[notebook]}
    try:
        for notebook in notebooks:  # every bad value stops the run now, not when its notebook comes
            validate(notebook, declared[notebook], effective[notebook])
    except RunError as error:
        with contextlib.suppress(OSError):
            folder.rmdir()  # claimed a moment ago; nothing ran, so leave nothing behind
        raise RunError(f"{str(error).rstrip('.')}. No notebook ran, so the run folder {folder} was removed; "
                       f"fix the value and run again.") from None
    summary = {
        "run_dir": str(folder),
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "status": "running",  # then complete, failed or interrupted
        "parameters": parameters,  # as given; each notebook's entry holds all it ran with
        "seed": parameters.get("SEED", "each notebook's default (see its parameters)"),
        "versions": versions(),
        "machine": machine(),
        "notebooks": [{"notebook": nb.name, "status": "pending", "parameters": effective[nb]} for nb in notebooks],
    }
    v, m = summary["versions"], summary["machine"]
    handlers = {sig: signal.signal(sig, _raise_interrupted) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        write_json(folder / "summary.json", summary)
        print(f"Run folder: {folder}")
        backend = f"{v['keras_backend']} {v.get(v['keras_backend'], '')}".rstrip()  # with its version, when known
        print(f"keras {v['keras']} on {backend}, python {v['python']}, {m['cpu_count']} CPUs, {m['platform']}")
        summary["status"] = execute_series(notebooks, given, folder, summary, args.no_html)
        write_json(folder / "summary.json", summary)
    except Interrupted as interrupt:
        for sig in handlers:
            signal.signal(sig, signal.SIG_IGN)  # one line and a saved summary, even if pressed twice
        SeriesKernelManager.kill_running()
        for entry in summary["notebooks"]:
            if entry["status"] == "running":
                entry["status"] = "interrupted"
        summary["status"] = "interrupted"
        write_json(folder / "summary.json", summary)
        stopped = [e["notebook"] for e in summary["notebooks"] if e["status"] == "interrupted"]
        pending = [e["notebook"] for e in summary["notebooks"] if e["status"] == "pending"]
        where = f"during {stopped[0]}" if stopped else f"before {pending[0]}" if pending else "at the end"
        how = "Ctrl-C" if interrupt.signum == signal.SIGINT else signal.Signals(interrupt.signum).name
        print(f"\nInterrupted by {how} {where}; the run folder keeps what was done, the partial notebook "
              f"and summary.json: {folder}", file=sys.stderr)
        return 128 + interrupt.signum
    except Exception as error:  # the runner's own trouble: a damaged metrics file, an HTML export, a full disk
        problem = f"{type(error).__name__}: {error}"
        for entry in summary["notebooks"]:
            if entry["status"] == "running":
                entry.update(status="failed", error=problem)
        summary["status"] = "failed"
        try:
            write_json(folder / "summary.json", summary)
            kept = f"summary.json lists every notebook: {folder / 'summary.json'}"
        except OSError as again:
            kept = f"summary.json could not be saved either ({again.strerror or again}); the run folder is {folder}"
        print(f"ERROR: the run stopped on {problem.rstrip('.')}. {kept}", file=sys.stderr)
        return 1
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        SeriesKernelManager.interrupted = False
        SeriesKernelManager.log_path = None  # kernels started later (ensure_model) keep their stderr
    print()
    print(summary_table(summary))
    print(f"\nSummary: {folder / 'summary.json'}")
    return 0 if summary["status"] == "complete" else 1


def execute_series(notebooks, given, folder, summary, no_html):
    """Run the notebooks in order, keeping summary.json current; return 'complete' or 'failed'."""
    run_start = time.perf_counter()
    for index, (notebook, entry) in enumerate(zip(notebooks, summary["notebooks"]), 1):
        output = folder / notebook.name
        print(f"[{index}/{len(notebooks)}] {notebook.name} ... (run time so far "
              f"{time.perf_counter() - run_start:.0f} s)", flush=True)
        entry["status"] = "running"
        write_json(folder / "summary.json", summary)
        SeriesKernelManager.last_usage = None
        SeriesKernelManager.log_path = folder / "kernels.log"
        start = time.perf_counter()
        status = "ok"  # the entry says "running" until its metrics and HTML are in, so a stop there is its own
        try:
            execute_notebook(notebook, output, given[notebook])
        except Interrupted:
            entry["seconds"] = round(time.perf_counter() - start, 1)
            raise
        except Exception as error:  # papermill raises its own errors and the kernel's
            status = "failed"
            entry["error"] = f"{getattr(error, 'ename', type(error).__name__)}: {getattr(error, 'evalue', error)}"
            print(describe_failure(error, output), file=sys.stderr)
        entry["seconds"] = round(time.perf_counter() - start, 1)
        entry.update(SeriesKernelManager.last_usage or {"cpu_seconds": None, "peak_mib": None})
        metrics_file = folder / f"{notebook.stem}.metrics.json"
        if metrics_file.is_file():
            entry["metrics"] = read_json(metrics_file)
        if not no_html and output.is_file():
            export_html(output)
        entry["status"] = status
        write_json(folder / "summary.json", summary)
        print(f"      {entry['status']} in {entry['seconds']:.1f} s", flush=True)
        if entry["status"] == "failed":
            return "failed"
    return "complete"
