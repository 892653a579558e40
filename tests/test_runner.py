"""The headless series runner, driven as an engineer drives it: `python -m mnist_helpers run`.

The README's own runner commands are executed by tests/test_readme.py; here are the runner's
rules, mostly on tiny notebooks written by the tests, so they take seconds.
"""

import asyncio
import json
import signal
import subprocess
import sys
import threading
import time

from pathlib import Path

import keras
import nbformat
import pytest
import yaml
from papermill.cli import _resolve_type

import mnist_helpers as mh
from mnist_helpers.__main__ import main
from mnist_helpers.layout import CHECK_TAG
from mnist_helpers.series import RunError
from mnist_helpers.series.parameters import ParametersFileLoader, read_parameters, typed_value
from mnist_helpers.series import kernels, runner
from mnist_helpers.series.runner import Interrupted, export_html, new_run_folder, summary_table
from mnist_helpers.series.usage import own_usage



def run_in_process(capsys, runs_dir, *args):
    """The same command in this process (no second TensorFlow start-up): (exit status, stdout, stderr)."""
    status = main(["run", "--runs-dir", str(runs_dir), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def summary(folder):
    return json.loads((folder / "summary.json").read_text())


def write_notebook(path, parameters, *cells):
    """A notebook with a `parameters` cell, its one-line validation, then `cells`: markdown if it starts
    with '# ', a check cell if it starts with '# check', else a code cell."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import mnist_helpers as mh"),
                nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(f"defaults = mh.check_parameters({path.name!r}, globals())")]
    for source in cells:
        if source.startswith("# check"):
            cell = nbformat.v4.new_code_cell(source, metadata={"tags": [CHECK_TAG]})
        elif source.startswith("# "):
            cell = nbformat.v4.new_markdown_cell(source)
        else:
            cell = nbformat.v4.new_code_cell(source)
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


# --- Parameters -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["True", "False", "None", "3", "-2", "1_000", "0.5", "1e-3", "-1E5", ".5",
                                  "nan", "inf", "-inf", "true", "yes", "none", ".nan", "2024-01-01", "1e", "ten",
                                  "", "0x10", "3 ", "[1, 2]"])
def test_p_values_are_typed_exactly_as_papermills_own_p(text):
    mine, papermills = typed_value(text), _resolve_type(text)
    assert type(mine) is type(papermills)
    assert mine == papermills or (mine != mine and papermills != papermills), "NaN equals nothing, itself included"


def test_p_kinds():
    assert [typed_value(t) for t in ("True", "None", "7", "1e-3", "2024-01-01", ".nan")] == [
        True, None, 7, 0.001, "2024-01-01", ".nan"]


def test_f_files_are_yaml_without_dates_and_p_wins(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("EPOCHS: 3\nLEARNING_RATE: 1e-3\nDROPOUT: 0.25\nDAY: 2024-01-01\nFLAG: true\n"
                    "NAME: text\nNOTHING: null\nRATE: 1.5e-2\n")
    parameters = read_parameters([("EPOCHS", "5")], path)
    assert parameters == {"EPOCHS": 5, "LEARNING_RATE": 0.001, "DROPOUT": 0.25, "DAY": "2024-01-01",
                          "FLAG": True, "NAME": "text", "NOTHING": None, "RATE": 0.015}
    nan = yaml.load("X: .nan", Loader=ParametersFileLoader)["X"]
    assert nan != nan, "a float NaN, which every notebook's check_number refuses by name"


@pytest.mark.parametrize(("value", "message"), [
    ("8", "05_training.ipynb: BATCH_SIZE must be an integer >= 16, got 8"),
    ("nan", "05_training.ipynb: VALIDATION_SPLIT must be a finite number, got nan"),
    (".nan", "05_training.ipynb: VALIDATION_SPLIT must be a number, got '.nan'"),
    ("inf", "05_training.ipynb: LEARNING_RATE must be a finite number, got inf"),
])
def test_a_bad_value_stops_the_run_before_any_notebook_runs(tmp_path, capsys, value, message):
    """Fail fast: 05's own validation cell runs in the runner, before 03 would have run."""
    name = message.split(" must")[0].split(": ")[-1]
    status, out, err = run_in_process(capsys, tmp_path, "--name", "bad", "--only", "03", "05", "-p", name, value)
    assert status == 2 and err == (f"ERROR: {message}. No notebook ran, so the run folder {tmp_path / 'bad'} was "
                                   f"removed; fix the value and run again.\n")
    assert "[1/" not in out, "no notebook started"
    assert not (tmp_path / "bad").exists(), "nothing ran, no run folder left"


def test_unknown_parameter_is_reported_with_a_suggestion(tmp_path, capsys):
    status, _, err = run_in_process(capsys, tmp_path, "-p", "EPOCH", "3")
    assert status == 2
    assert "Unknown parameter 'EPOCH'" in err and "Did you mean EPOCHS?" in err
    assert not tmp_path.exists() or not any(tmp_path.iterdir()), "nothing ran, no folder made"


def test_missing_notebook_is_a_clear_error(tmp_path, capsys):
    status, _, err = run_in_process(capsys, tmp_path, "--only", "99")
    assert status == 2
    assert "No notebook matches --only '99'" in err


def test_bad_parameters_file(tmp_path, capsys):
    (tmp_path / "params.yaml").write_text("- just\n- a list\n")
    status, _, err = run_in_process(capsys, tmp_path, "-f", str(tmp_path / "params.yaml"))
    assert status == 2
    assert "must hold NAME: VALUE lines" in err


@pytest.mark.parametrize(("parameters", "message"), [
    ("N = 1  # how many", "01_a.ipynb, parameters cell, line 1: N's comment must end with its range"),
    ("N = 1  # how many (lots)", "N: its range (lots) is none of the known forms"),
    ("N = 1 +  # how many (1 to 3)", "01_a.ipynb, parameters cell, line 1: not valid Python"),
    ("N = [1]  # how many (1 to 3)", "01_a.ipynb, parameters cell, line 1: 'N = [1]' is not NAME = literal"),
    ("N = 9  # how many (1 to 3)", "N must be an integer <= 3, got 9"),
])
def test_a_broken_declaration_is_named_before_anything_runs(tmp_path, capsys, parameters, message):
    write_notebook(tmp_path / "01_a.ipynb", parameters)
    status, _, err = run_in_process(capsys, tmp_path / "runs", "--notebooks", str(tmp_path))
    assert status == 2 and message in err, err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


# --- Run folders ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../x", "/abs/path", "a/b", "a\\b", "..", ".", ""])
def test_a_run_name_is_one_folder_name(tmp_path, name):
    with pytest.raises(RunError, match="--name must be one folder name"):
        new_run_folder(tmp_path / "runs", name)
    assert not (tmp_path / "runs").exists()


def test_a_run_folder_is_claimed_once(tmp_path):
    """Many runs with one name, at once: exactly one gets the folder, the others are refused."""
    claimed, refused = [], []
    barrier = threading.Barrier(8)

    def claim():
        barrier.wait()
        try:
            claimed.append(new_run_folder(tmp_path, "same"))
        except RunError as error:
            refused.append(str(error))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert claimed == [(tmp_path / "same").resolve()] and len(refused) == 7
    assert "exists already. Pick another --name" in refused[0]


def test_an_existing_folder_is_never_shared(tmp_path, capsys):
    (tmp_path / "taken").mkdir()
    status, _, err = run_in_process(capsys, tmp_path, "--name", "taken", "--only", "01")
    assert status == 2 and "exists already" in err
    assert list((tmp_path / "taken").iterdir()) == []


def test_timestamp_names_do_not_collide(tmp_path):
    first, second = new_run_folder(tmp_path, None), new_run_folder(tmp_path, None)
    assert first != second and first.is_dir() and second.is_dir()


def test_unwritable_run_folder_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    status, _, err = run_in_process(capsys, tmp_path / "file" / "runs", "--only", "01")
    assert status == 2
    assert err.startswith(f"ERROR: Cannot create a run folder in {tmp_path / 'file' / 'runs'} (")
    assert "--runs-dir" in err


# --- Interrupts and per-notebook figures ------------------------------------------------------

def tiny_series(folder):
    write_notebook(folder / "01_quick.ipynb", "N = 1  # a number (0 or more)", "print(N)")
    write_notebook(folder / "02_slow.ipynb", "SECONDS = 600  # how long to sleep (0 or more)",
                   "print('sleeping ' * 2, flush=True)", "import time\ntime.sleep(SECONDS)")


@pytest.mark.parametrize(("signum", "status", "how"),
                         [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")])
def test_an_interrupted_run_says_where_it_stopped(tmp_path, signum, status, how):
    tiny_series(tmp_path)
    runner = subprocess.Popen(
        [sys.executable, "-m", "mnist_helpers", "run", "--runs-dir", str(tmp_path / "runs"), "--name", "r",
         "--notebooks", str(tmp_path), "--no-html"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    partial = tmp_path / "runs" / "r" / "02_slow.ipynb"
    deadline = time.time() + 300
    while not (partial.is_file() and "sleeping sleeping" in partial.read_text()):
        assert runner.poll() is None and time.time() < deadline, runner.communicate()
        time.sleep(0.2)
    runner.send_signal(signum)
    out, err = runner.communicate(timeout=120)
    assert runner.returncode == status
    assert err.strip() == (f"Interrupted by {how} during 02_slow.ipynb; the run folder keeps what was done, "
                           f"the partial notebook and summary.json: {tmp_path / 'runs' / 'r'}")
    assert (tmp_path / "runs" / "r" / "kernels.log").is_file(), "a dying kernel logs there, not under the line"
    result = summary(tmp_path / "runs" / "r")
    assert result["status"] == "interrupted"
    assert [(e["notebook"], e["status"]) for e in result["notebooks"]] == [
        ("01_quick.ipynb", "ok"), ("02_slow.ipynb", "interrupted")]
    assert "sleeping sleeping" in partial.read_text(), "the partial notebook stays, with the outputs it had"
    quick = result["notebooks"][0]
    assert quick["seconds"] > 0 and quick["cpu_seconds"] > 0, "the kernel's own figures"
    assert 20 < quick["peak_mib"] < 4000


def test_the_usage_question_leaves_no_thread_spinning(monkeypatch):
    """A kernel's last question (its CPU time and memory) comes back in milliseconds from a warm kernel;
    a heartbeat thread the machine was too busy to start before it was stopped used to spin opening
    sockets until "Too many open files" printed a traceback into a finished run. Here threads start late."""
    from jupyter_client import channels
    opened = []
    create = channels.HBChannel._create_socket

    def late(channel):
        opened.append(channel)
        time.sleep(1)
        create(channel)

    async def start_and_stop():
        manager = kernels.SeriesKernelManager()
        await manager.start_kernel()
        warm = manager.client()
        warm.start_channels(hb=False)
        await warm.wait_for_ready(timeout=60)  # as after a notebook: the question is answered at once
        warm.stop_channels()
        monkeypatch.setattr(channels.HBChannel, "_create_socket", late)
        await manager.shutdown_kernel()

    kernels.SeriesKernelManager.last_usage = None
    worker = threading.Thread(target=asyncio.run, args=(start_and_stop(),), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the kernel's shutdown hung"
    figures = kernels.SeriesKernelManager.last_usage
    assert figures["cpu_seconds"] > 0, "the kernel still answers"
    assert figures["peak_mib"] < 300, "and the question loads no Keras into a kernel that had none"
    assert len(opened) <= 1, f"the heartbeat opened {len(opened)} sockets"


def test_a_failed_run_lists_every_notebook(tmp_path, capsys):
    write_notebook(tmp_path / "01_fails.ipynb", "N = 1  # (0 or more)", "raise ValueError('broken on purpose')")
    write_notebook(tmp_path / "02_never.ipynb", "N = 1  # (0 or more)")
    status, _, err = run_in_process(capsys, tmp_path / "runs", "--name", "f", "--notebooks", str(tmp_path), "--no-html")
    assert status == 1
    assert "raised ValueError: broken on purpose" in err
    result = summary(tmp_path / "runs" / "f")
    assert result["status"] == "failed"
    assert [e["status"] for e in result["notebooks"]] == ["failed", "pending"]


def ran(notebook, output, parameters):
    output.write_text(notebook.read_text())


def damaged_metrics(notebook, output, parameters):
    ran(notebook, output, parameters)
    (output.parent / f"{notebook.stem}.metrics.json").write_text("{half a JSON file")


def raises(error):
    def raise_it(*args):
        raise error
    return raise_it


@pytest.mark.parametrize(("execute", "export", "error", "printed"), [
    (raises(RuntimeError("Kernel died before replying to kernel_info")), export_html,
     "RuntimeError: Kernel died before replying to kernel_info",
     "No cell raised this: the error came from starting or running the notebook's kernel."),
    (damaged_metrics, export_html, "ArtifactError: ", "ERROR: the run stopped on ArtifactError: "),
    (ran, raises(ValueError("nbconvert choked")), "ValueError: nbconvert choked",
     "ERROR: the run stopped on ValueError: nbconvert choked. summary.json lists every notebook: "),
])
def test_every_stop_leaves_a_summary_of_every_notebook(tmp_path, monkeypatch, capsys, execute, export, error, printed):
    """Stops without a kernel (injected, so each takes milliseconds): the summary still lists the whole series."""
    write_notebook(tmp_path / "01_a.ipynb", "N = 1  # (0 or more)")
    write_notebook(tmp_path / "02_b.ipynb", "N = 1  # (0 or more)")
    monkeypatch.setattr(runner, "execute_notebook", execute)
    monkeypatch.setattr(runner, "export_html", export)
    status, _, err = run_in_process(capsys, tmp_path / "runs", "--name", "s", "--notebooks", str(tmp_path))
    assert status == 1 and printed in err, err
    result = summary(tmp_path / "runs" / "s")
    assert result["status"] == "failed"
    assert [(e["notebook"], e["status"]) for e in result["notebooks"]] == [("01_a.ipynb", "failed"),
                                                                            ("02_b.ipynb", "pending")]
    assert result["notebooks"][0]["error"].startswith(error)


def test_an_interrupt_after_the_notebook_ran_is_recorded_too(tmp_path, monkeypatch, capsys):
    write_notebook(tmp_path / "01_a.ipynb", "N = 1  # (0 or more)")
    monkeypatch.setattr(runner, "execute_notebook", ran)
    monkeypatch.setattr(runner, "export_html", raises(Interrupted(signal.SIGINT)))
    status, _, err = run_in_process(capsys, tmp_path / "runs", "--name", "i", "--notebooks", str(tmp_path))
    assert status == 130 and "Interrupted by Ctrl-C during 01_a.ipynb" in err
    assert [e["status"] for e in summary(tmp_path / "runs" / "i")["notebooks"]] == ["interrupted"]


def test_the_table_shows_wall_cpu_and_peak_memory():
    table = summary_table({"notebooks": [
        {"notebook": "01_a.ipynb", "status": "ok", "seconds": 12.34, "cpu_seconds": 20.0, "peak_mib": 812,
         "metrics": {"test_accuracy": 0.98765}},
        {"notebook": "02_b.ipynb", "status": "ok", "seconds": 3.0, "cpu_seconds": None, "peak_mib": None},
        {"notebook": "03_c.ipynb", "status": "pending"},
    ]}).splitlines()
    assert table[0].split() == ["notebook", "status", "wall", "s", "CPU", "s", "peak", "MiB", "headline", "metrics"]
    assert table[1].split() == ["01_a.ipynb", "ok", "12.3", "20.0", "812", "test_accuracy=0.9877"]
    assert table[2].split() == ["02_b.ipynb", "ok", "3.0", "n/a", "n/a"]
    assert table[3].split() == ["03_c.ipynb", "pending", "n/a", "n/a", "n/a"]


def test_own_usage_reports_this_process():
    usage = own_usage()
    assert usage["cpu_seconds"] > 0 and 10 < usage["peak_mib"] < 100000


# --- A model made where it is missing ---------------------------------------------------------

MAKER_PARAMETERS = ('RUN_DIR = "nowhere"  # (a folder)\nSEED = 0  # (0 or more)\nUNITS = 2  # (1 to 9)')


def fake_makers(folder):
    """A fake 05 (saves model.keras) and 07 (needs model.keras, saves cnn.keras), each with a check cell
    that fails, as 05's memory check failed in 07's kernel: a model made on request runs the lesson only."""
    folder.mkdir()
    save = ("import keras\nrun_dir = mh.run_folder(RUN_DIR)\n"
            "model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(UNITS), keras.layers.Dense(10)])\n"
            "mh.save_model(model, run_dir / 'model.keras')\nprint('seed', SEED)")
    failing_check = "# check: never reached by a model made on request\nassert False, 'a check cell ran'"
    write_notebook(folder / "05_training.ipynb", MAKER_PARAMETERS, "# Training the dense network", save,
                   failing_check)
    write_notebook(folder / "07_convolutions.ipynb", MAKER_PARAMETERS, "# The CNN",
                   "import keras\nrun_dir = mh.run_folder(RUN_DIR)\n"
                   "mlp = mh.ensure_model(run_dir, 'model.keras', SEED=SEED)\n"
                   "cnn = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), mlp])\n"
                   "mh.save_model(cnn, run_dir / 'cnn.keras')", failing_check)


def test_ensure_model_runs_the_makers_lessons_in_kernels_of_their_own(tmp_path, monkeypatch, capsys):
    """Notebook 08 opened alone: 07 runs first, and inside it 05, each once, each without its checks."""
    fake_makers(tmp_path / "notebooks")
    monkeypatch.chdir(tmp_path / "notebooks")  # where a reader's notebook runs: its makers are beside it
    model = mh.ensure_model(tmp_path / "run", "cnn.keras", SEED=3, UNITS=5)
    printed = capsys.readouterr().out
    assert "No cnn.keras in" in printed and "running 07_convolutions.ipynb first" in printed
    assert model.count_params() == 785 * 2 + 3 * 10, "05's own UNITS default: 07 passed only SEED on to it"
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == [
        "05_training.ipynb", "07_convolutions.ipynb", "cnn.keras", "model.keras"]
    executed = nbformat.read(tmp_path / "run" / "05_training.ipynb", as_version=4)
    assert "seed 3" in str(executed.cells), "the caller's SEED reached the nested maker"
    assert not any(CHECK_TAG in cell.metadata.get("tags", []) for cell in executed.cells)
    mh.ensure_model(tmp_path / "run", "cnn.keras", SEED=3)
    assert "No cnn.keras" not in capsys.readouterr().out, "a model that is there is loaded, not remade"


def test_a_model_made_on_request_with_the_defaults_on_tensorflow_says_so_for_the_later_checks(
        tmp_path, monkeypatch):
    """The maker runs its lesson only, so its check cell does not record `defaults`: ensure_model does."""
    fake_makers(tmp_path / "notebooks")
    monkeypatch.chdir(tmp_path / "notebooks")

    def lesson(notebook, output, parameters, checks=True):  # the maker's lesson, in this process
        assert checks is False
        run_dir = Path(parameters["RUN_DIR"])
        mh.write_json(run_dir / "05_training.metrics.json", {"test_accuracy": 0.9})
        keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)]).save(run_dir / "model.keras")

    monkeypatch.setattr(kernels, "execute_notebook", lesson)
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    for folder, parameters, made_with_defaults in [("defaults", {}, True), ("seed 3", {"SEED": 3}, False),
                                                   ("units 2 given", {"UNITS": 2}, True)]:
        mh.ensure_model(tmp_path / folder, "model.keras", **parameters)
        assert mh.made_with_defaults(tmp_path / folder, "model.keras") is made_with_defaults, folder
    monkeypatch.setenv("KERAS_BACKEND", "jax")  # another backend draws other weights: the text's figures are not its
    mh.ensure_model(tmp_path / "jax", "model.keras")
    assert not mh.made_with_defaults(tmp_path / "jax", "model.keras")


def test_ensure_model_refuses_a_parameter_the_maker_lacks(tmp_path, monkeypatch):
    fake_makers(tmp_path / "notebooks")
    monkeypatch.chdir(tmp_path / "notebooks")
    with pytest.raises(Exception, match="EPOCH"):
        mh.ensure_model(tmp_path / "run", "model.keras", EPOCH=3)
    assert not (tmp_path / "run" / "model.keras").exists()


def test_made_with_defaults_reads_what_each_maker_recorded(tmp_path):
    mh.write_json(tmp_path / "05_training.metrics.json", {"test_accuracy": 0.99, "default_parameters": True})
    assert mh.made_with_defaults(tmp_path, "model.keras")
    assert not mh.made_with_defaults(tmp_path, "model.keras", "cnn.keras"), "07 has no metrics file yet"
    mh.write_json(tmp_path / "07_convolutions.metrics.json", {"default_parameters": False})
    assert not mh.made_with_defaults(tmp_path, "model.keras", "cnn.keras")
    mh.write_json(tmp_path / "05_training.metrics.json", {"test_accuracy": 0.99})  # written before the flag existed
    assert not mh.made_with_defaults(tmp_path, "model.keras")


def test_the_html_export_leaves_the_check_cells_out(tmp_path):
    notebook = write_notebook(tmp_path / "01_a.ipynb", "N = 1  # (0 or more)", "print('the lesson')",
                              "# check: a figure\nassert N == 1, 'only for the record'")
    export_html(notebook)
    html = (tmp_path / "01_a.html").read_text()
    assert "the lesson" in html and "only for the record" not in html


def test_the_html_export_gives_each_figure_its_cells_alt_text(tmp_path):
    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="  # 1x1
    png = nbformat.v4.new_output("display_data", data={"image/png": pixel})
    described = nbformat.v4.new_code_cell("# extra code: the figure\n# alt: Ten digits in a row, the 1s"
                                          " & 0s\n#      ordered by slant.\nplt.show()", outputs=[png])
    bare = nbformat.v4.new_code_cell("plt.show()", outputs=[png])
    notebook = tmp_path / "01_a.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[described, bare]), notebook)
    export_html(notebook)
    html = (tmp_path / "01_a.html").read_text()
    assert 'alt="Ten digits in a row, the 1s &amp; 0s ordered by slant."' in html
    assert html.count('alt="No description has been provided for this image"') == 1, "the cell without one"
