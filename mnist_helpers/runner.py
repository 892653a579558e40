"""The headless series runner: `python -m mnist_helpers run` (and `make run`).

Executes the numbered notebooks in order with papermill, in this Python environment's
kernel, with `notebooks/` as working directory and one run folder shared by all of them, so
the model notebook 04 saves is the one notebook 05 analyses. Each run gets its own folder
under runs/ holding the executed notebooks, their HTML exports, the artefacts and
summary.json, so two runs never touch each other's files.
"""

import ast
import contextlib
import datetime
import difflib
import io
import linecache
import os
import re
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path, PurePosixPath, PureWindowsPath

import yaml
from jupyter_client.manager import AsyncKernelManager

from mnist_helpers.artifacts import MODEL_MAKERS, load_model, read_json, write_json

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
RUNS = Path("runs")


class RunError(RuntimeError):
    """The run cannot start or stopped; the message says what to do."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM arrived while the series was running."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def add_arguments(parser):
    parser.add_argument("--name", help="run folder name under --runs-dir (default: a timestamp)")
    parser.add_argument("--runs-dir", type=Path, default=RUNS, help="where run folders go (default: runs)")
    parser.add_argument(
        "-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
        help="set a notebook parameter, e.g. -p EPOCHS 3 (typed as papermill's -p: True, False, None, "
             "int, float such as 1e-3, else text)",
    )
    parser.add_argument(
        "-f", "--parameters-file", type=Path,
        help="YAML file of NAME: VALUE lines, read as papermill reads -f (dates stay text); -p wins over it",
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


# --- Parameters, typed as papermill types them ----------------------------------------------

def typed_value(text):
    """A -p value as papermill's own -p reads it (papermill/cli.py, _resolve_type).

    True, False and None are those constants; whatever int() or float() accepts is that
    number (so 1e-3 is a float, and 'nan' or 'inf' become floats the notebooks then refuse by
    name); anything else stays text, dates and '.nan' included.
    """
    constants = {"True": True, "False": False, "None": None}
    if text in constants:
        return constants[text]
    for number in (int, float):
        try:
            return number(text)
        except ValueError:
            pass
    return text


class ParametersFileLoader(yaml.SafeLoader):
    """YAML as papermill reads -f files: no timestamp resolver, so 2024-01-01 stays text.

    One addition: 1e-3 is a float, as it is with -p (YAML 1.1 wants a dot: 1.0e-3).
    """

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


ParametersFileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def read_parameters(pairs, parameters_file):
    """{NAME: value} from a -f file, then the -p pairs, which win."""
    parameters = {}
    if parameters_file:
        try:
            loaded = yaml.load(Path(parameters_file).read_text(), Loader=ParametersFileLoader) or {}
        except (OSError, yaml.YAMLError) as error:
            raise RunError(f"Cannot read the parameters file {parameters_file}: {error}") from None
        if not isinstance(loaded, dict):
            raise RunError(f"{parameters_file} must hold NAME: VALUE lines, got {type(loaded).__name__}.")
        parameters.update(loaded)
    for name, value in pairs:
        parameters[name] = typed_value(value)
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


def validation_cell(notebook):
    """The source of the code cell right after the `parameters` cell, or '' if there is none."""
    import nbformat

    cells = [cell for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "code"]
    for index, cell in enumerate(cells[:-1]):
        if "parameters" in cell.metadata.get("tags", []):
            return cells[index + 1].source
    return ""


@contextlib.contextmanager
def working_directory(path):
    """chdir for the duration (contextlib.chdir, which Python 3.10 lacks)."""
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def validate(notebook, parameters):
    """Run the notebook's validation cell here, with `parameters`, as its kernel would run it.

    By the series' convention that cell uses only the parameters, `mh` and builtins, and
    raises with a message naming the parameter; what it prints is not shown.
    """
    import mnist_helpers

    namespace = {"mh": mnist_helpers, **parameters}
    try:
        with working_directory(notebook.parent), contextlib.redirect_stdout(io.StringIO()):
            exec(compile(validation_cell(notebook), f"{notebook.name}, validation cell", "exec"), namespace)
    except NameError as error:
        raise RunError(
            f"{notebook.name}: its validation cell (the one after `parameters`) uses {error.name}, which is "
            f"neither a parameter, `mh` nor a builtin, so the runner cannot check it up front."
        ) from None
    except Exception as error:
        raise RunError(f"{notebook.name}: {error}") from None


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


def own_usage():
    """CPU seconds and peak resident MiB of this process so far; None for each where unknown (Windows).

    A kernel asks itself this just before it shuts down (SeriesKernelManager). On Linux the
    peak is the process's own VmHWM: ru_maxrss may include the runner's memory, as Linux keeps
    the larger of the parent's peak across fork and exec.
    """
    try:
        import resource
    except ImportError:
        return {"cpu_seconds": None, "peak_mib": None}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    try:
        status = Path("/proc/self/status").read_text()
        peak_kib = int(re.search(r"^VmHWM:\s*(\d+) kB", status, re.M).group(1))
    except (OSError, AttributeError):
        peak_kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss  # macOS counts bytes
    return {"cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1), "peak_mib": round(peak_kib / 1024)}


class SeriesKernelManager(AsyncKernelManager):
    """The runner's kernels: Unix sockets instead of TCP ports, and a report of what each used.

    With TCP, two runs starting kernels at the same moment can pick the same free port
    ("Address already in use"); socket files cannot collide. Before shutting down, the kernel
    is asked for its own CPU time and peak memory (own_usage), which lands in last_usage.
    """

    last_usage = None  # the last kernel's own_usage(), or None if it could not say
    interrupted = False  # set on Ctrl-C / SIGTERM: stop the kernel at once, ask it nothing
    running = set()  # managers whose kernel may be up, for kill_running()

    def __init__(self, **kwargs):
        # jupyter_client's default socket name is "kernel-ipc" in the working folder, the same
        # for every run, so give each kernel its own.
        unique = Path(tempfile.gettempdir()) / f"mnist-kernel-{uuid.uuid4().hex}"
        super().__init__(transport="ipc", ip=str(unique), **kwargs)
        self.running.add(self)

    async def shutdown_kernel(self, now=False, restart=False):
        if self.interrupted:
            now = True
        elif not restart:
            type(self).last_usage = await self._ask_usage()
        await super().shutdown_kernel(now=now, restart=restart)
        self.running.discard(self)

    @classmethod
    def kill_running(cls):
        """Kill kernels an interrupt left behind (one that came while a kernel was starting)."""
        for manager in list(cls.running):
            process = getattr(manager.provisioner, "process", None)
            if process is not None:
                process.kill()
            cls.running.discard(manager)

    async def _ask_usage(self):
        client = self.client()
        client.start_channels()
        expression = "__import__('mnist_helpers.runner').runner.own_usage()"
        try:
            reply = await client.execute_interactive(
                "", silent=True, store_history=False, user_expressions={"usage": expression}, timeout=30
            )
            answer = reply["content"]["user_expressions"]["usage"]
            return ast.literal_eval(answer["data"]["text/plain"])
        except Exception:  # a kernel that cannot say costs the figures, never the run
            return None
        finally:
            client.stop_channels()


def execute_notebook(notebook, output, parameters):
    """Run one notebook with papermill in this environment's kernel, from its own folder."""
    import papermill

    papermill.execute_notebook(
        str(notebook), str(output), parameters=parameters, cwd=str(Path(notebook).parent),
        progress_bar=sys.stderr.isatty(), request_save_on_cell_execute=True,
        kernel_manager_class=SeriesKernelManager,
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


def _run(args):
    from mnist_helpers.doctor import machine, versions

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
        effective[notebook] = {**declared[notebook], **given[notebook]}
    try:
        for notebook in notebooks:  # every bad value stops the run now, not when its notebook comes
            validate(notebook, effective[notebook])
    except RunError:
        with contextlib.suppress(OSError):
            folder.rmdir()  # claimed a moment ago; nothing ran, so leave nothing behind
        raise
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
    write_json(folder / "summary.json", summary)
    v, m = summary["versions"], summary["machine"]
    print(f"Run folder: {folder}")
    print(f"keras {v['keras']} on {v['keras_backend']} {v.get(v['keras_backend'], '')}, python {v['python']}, "
          f"{m['cpu_count']} CPUs, {m['platform']}")
    handlers = {sig: signal.signal(sig, _raise_interrupted) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        summary["status"] = execute_series(notebooks, given, folder, summary, args.no_html)
        write_json(folder / "summary.json", summary)
    except Interrupted as interrupt:
        for sig in handlers:
            signal.signal(sig, signal.SIG_IGN)  # one line and a saved summary, even if pressed twice
        SeriesKernelManager.kill_running()
        summary["status"] = "interrupted"
        write_json(folder / "summary.json", summary)
        stopped = [e["notebook"] for e in summary["notebooks"] if e["status"] == "interrupted"]
        pending = [e["notebook"] for e in summary["notebooks"] if e["status"] == "pending"]
        where = f"during {stopped[0]}" if stopped else f"before {pending[0]}" if pending else "at the end"
        how = "Ctrl-C" if interrupt.signum == signal.SIGINT else signal.Signals(interrupt.signum).name
        print(f"\nInterrupted by {how} {where}; the run folder keeps what was done, the partial notebook "
              f"and summary.json: {folder}", file=sys.stderr)
        return 128 + interrupt.signum
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        SeriesKernelManager.interrupted = False
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
        start = time.perf_counter()
        try:
            execute_notebook(notebook, output, given[notebook])
            entry["status"] = "ok"
        except Interrupted:
            entry["status"] = "interrupted"
            entry["seconds"] = round(time.perf_counter() - start, 1)
            raise
        except Exception as error:  # papermill raises its own errors and the kernel's
            entry["status"] = "failed"
            entry["error"] = f"{getattr(error, 'ename', type(error).__name__)}: {getattr(error, 'evalue', error)}"
            print(describe_failure(error, output), file=sys.stderr)
        entry["seconds"] = round(time.perf_counter() - start, 1)
        entry.update(SeriesKernelManager.last_usage or {"cpu_seconds": None, "peak_mib": None})
        metrics_file = folder / f"{notebook.stem}.metrics.json"
        if metrics_file.is_file():
            entry["metrics"] = read_json(metrics_file)
        if not no_html and output.is_file():
            export_html(output)
        write_json(folder / "summary.json", summary)
        print(f"      {entry['status']} in {entry['seconds']:.1f} s", flush=True)
        if entry["status"] == "failed":
            return "failed"
    return "complete"


# --- A model an earlier notebook makes, made here if missing --------------------------------

def ensure_model(run_dir, filename="model.keras", **parameters):
    """Load a model an earlier notebook saved in run_dir; if there is none, run that notebook's code here first.

    model.keras is notebook 04's dense network, cnn.keras notebook 06's CNN. Used by notebooks
    05, 06 and 07, so that each also works opened on its own; `parameters` go to the maker
    notebook. It runs in this process (see run_here), not in a kernel of its own.
    """
    run_dir = Path(run_dir)
    model_path = run_dir / filename
    if not model_path.is_file():
        maker = NOTEBOOKS / MODEL_MAKERS[filename]
        given = ", ".join(f"{name}={value!r}" for name, value in parameters.items())
        print(f"No {filename} in {run_dir}: running the code of {maker.name} here first ({given}); "
              f"this takes a few minutes, and its figures are not shown.", flush=True)
        run_here(maker, {"RUN_DIR": str(run_dir.resolve()), **parameters})
        print(f"{maker.name} is done: {model_path} is saved.", flush=True)
    return load_model(model_path)


def made_with_defaults(run_dir, *filenames):
    """Whether each model in run_dir (model.keras, cnn.keras) was trained by its notebook with that
    notebook's default parameters, as the notebook records in its metrics file. The later notebooks
    check the figures their text quotes only then; a missing or older metrics file counts as not."""
    run_dir = Path(run_dir)
    for filename in filenames:
        metrics = run_dir / f"{Path(MODEL_MAKERS[filename]).stem}.metrics.json"
        if not metrics.is_file() or read_json(metrics).get("default_parameters") is not True:
            return False
    return True


def run_here(notebook, parameters):
    """Execute a notebook's code cells in this process, in a fresh namespace, with `parameters` set.

    Like papermill, the parameters replace the values of the `parameters` cell right after it
    runs. Progress: each section heading is printed as it starts (and fit prints its epochs).
    Figures are closed instead of shown, so none reaches the calling notebook's output.
    Opening 05, 06 or 07 alone thus trains what is missing in the reader's own kernel,
    nested as deep as needed (07 may need 06's CNN, whose code needs 04's model).
    """
    import matplotlib.pyplot as plt
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    namespace = {"__name__": "__main__"}
    figures_before = set(plt.get_fignums())
    show = plt.show
    plt.show = lambda *args, **kwargs: None
    try:
        for index, cell in enumerate(nb.cells, 1):
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    if line.startswith("## "):
                        print(f"  {notebook.stem}: {line[3:].strip()}", flush=True)
            elif cell.cell_type == "code":
                name = f"{notebook.name}, cell {index}"
                linecache.cache[name] = (len(cell.source), None, cell.source.splitlines(True), name)  # tracebacks
                exec(compile(cell.source, name, "exec"), namespace)
                if "parameters" in cell.metadata.get("tags", []):
                    unknown = sorted(set(parameters) - set(namespace))
                    if unknown:
                        raise ValueError(f"{notebook.name} declares no parameter {', '.join(unknown)}")
                    namespace.update(parameters)
                for number in set(plt.get_fignums()) - figures_before:
                    plt.close(number)
    finally:
        plt.show = show
        for number in set(plt.get_fignums()) - figures_before:
            plt.close(number)

