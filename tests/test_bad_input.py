"""Whatever file or path a user hands the runner gets an answer within a second: one line that names
it and says what to do, never a traceback, a hang or a folder named `~` (issue 27). No kernel."""

import json
import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import nbformat
import pytest

from mnist_helpers.image_files import DigitImageError, opened_image
from mnist_helpers.layout import NOTEBOOKS, user_path
from mnist_helpers.params import ParameterError, check_path
from mnist_helpers.series import RunError, runner
from mnist_helpers.series.cli import main
from mnist_helpers.series.parameters import MAX_PARAMETERS_FILE, read_parameters

FORM = "a parameters file holds NAME: VALUE lines, e.g. EPOCHS: 3"
# Nine lines of nested aliases: 9**8 strings once expanded, which printing the value in an error would do.
BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)) + "EPOCHS: *i\n"


@pytest.mark.parametrize(("content", "message"), [
    ((NOTEBOOKS / "images" / "0-scan.png").read_bytes(), f"is not a text file; {FORM}. Check that -f names"),
    (b"EPOCHS: 3\x00\n", "is not a text file"),
    (b'EPOCHS: "3\n', f", line 2: while scanning a quoted scalar, found unexpected end of stream; {FORM}."),
    (b"EPOCHS: [3, 4\n", ", line 2: while parsing a flow sequence, expected ',' or ']'"),
    (BILLION_LAUGHS.encode(), ", line 2: the alias *a is not allowed, write the value itself"),
    (b"base: &base 3\nEPOCHS: *base\n", ", line 2: the alias *base is not allowed"),
    (b"- EPOCHS: 3\n- SEED: 1\n", " must hold NAME: VALUE lines, e.g. EPOCHS: 3; it holds a list."),
    (b"EPOCHS=3\n", " must hold NAME: VALUE lines, e.g. EPOCHS: 3; it holds plain text."),
    (b"EPOCHS: 3\nSEED: 1\nEPOCHS: 5\n", ", line 3: EPOCHS is set twice"),
    (b"1: 2\n", ": 1 is no parameter name"),
    (b"EPOCHS: " + b"[" * 1000 + b"]" * 1000 + b"\n", " nests values too deeply"),
    (b"EPOCHS: 3\n" + b"#" * MAX_PARAMETERS_FILE, " is larger than 64 KiB, too large for a parameters file"),
])
def test_a_bad_parameters_file_is_one_line_naming_it(tmp_path, content, message):
    path = tmp_path / "params.yaml"
    path.write_bytes(content)
    with pytest.raises(RunError) as raised:
        read_parameters([], path)
    assert str(raised.value).startswith(str(path)) and message in str(raised.value), raised.value
    assert "\n" not in str(raised.value)


def test_a_png_given_to_f_stops_the_command_at_once(tmp_path, capsys):
    png = NOTEBOOKS / "images" / "0-scan.png"
    assert main(["run", "--runs-dir", str(tmp_path / "runs"), "-f", str(png)]) == 2
    assert capsys.readouterr().err == f"ERROR: {png} is not a text file; {FORM}. Check that -f names the right file.\n"
    assert not (tmp_path / "runs").exists()


def test_a_10_mb_file_is_refused_after_reading_64_kib(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("EPOCHS: 3\n" + "# a long comment\n" * (10 * 1024 * 1024 // 17))
    tracemalloc.start()
    try:
        with pytest.raises(RunError, match="is larger than 64 KiB"):
            read_parameters([], path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024, f"read {peak} bytes: the whole file, not its first 64 KiB"


@pytest.mark.parametrize("content", [b"", b"# nothing set yet\n\n", b"\xef\xbb\xbf"])
def test_an_empty_parameters_file_sets_no_parameter(tmp_path, content):
    """As papermill reads it: empty (or comments only, or a Windows editor's byte-order mark) is no parameter."""
    (tmp_path / "empty.yaml").write_bytes(content)
    assert read_parameters([("EPOCHS", "2")], tmp_path / "empty.yaml") == {"EPOCHS": 2}


# Reads its argument as -f does, and says on stderr how long the read alone took: the interpreter's start-up
# (which imports Keras) takes longer than the read's 1 s deadline on a busy 2-core machine.
READ_F = ("import sys, time; from mnist_helpers.series.parameters import read_parameters as r; t = time.monotonic()\n"
          "try: print(r([], sys.argv[1]))\nfinally: print('read for', time.monotonic() - t, file=sys.stderr)")


def read_in_a_process(shell_line, timeout=60):
    """A bash line run with $READ standing for a Python reading its argument as -f does: a hang fails the
    test after `timeout` seconds instead of stopping the suite."""
    return subprocess.run(["bash", "-c", shell_line.replace("$READ", f'"{sys.executable}" -c "{READ_F}"')],
                          capture_output=True, text=True, timeout=timeout)


def test_f_reads_a_pipe_as_a_file():
    done = read_in_a_process('$READ <(sleep 0.3; echo "EPOCHS: 3")')  # the writer still at work when it opens
    assert done.stdout == "{'EPOCHS': 3}\n", done.stderr


@pytest.mark.parametrize(("writer", "message"), [
    ("", "had nothing written to it within 1 s"),
    ("(echo 'EPOCHS: 3'; sleep 3) > \"$pipe\" &", "did not end within 1 s"),
], ids=["no writer", "a writer that never finishes"])
def test_f_given_a_pipe_that_never_ends_answers_within_seconds(tmp_path, writer, message):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    done = read_in_a_process(f'pipe="{pipe}"; {writer} $READ "$pipe"', timeout=30)
    assert f"The pipe {pipe} {message}; -f takes a file" in done.stderr, done.stderr
    seconds = float(re.search(r"read for ([0-9.]+)", done.stderr)[1])
    assert seconds < 3, f"the read took {seconds:.1f} s against its 1 s deadline"


def test_f_given_a_folder_or_a_missing_file(tmp_path):
    with pytest.raises(RunError) as raised:
        read_parameters([], tmp_path)
    assert str(raised.value) == f"{tmp_path} is a folder; -f takes a file ({FORM})."
    with pytest.raises(RunError) as raised:
        read_parameters([], tmp_path / "quick.yml")
    assert str(raised.value) == f"No parameters file at {tmp_path / 'quick.yml'}. Check the path given to -f."


@pytest.mark.parametrize(("option", "make", "message"), [
    ("--notebooks", "file", "--notebooks {} is a file: pass the folder that holds the numbered notebooks"),
    ("--notebooks", None, "--notebooks {} does not exist: pass the folder that holds the numbered notebooks"),
    ("--runs-dir", "file", "--runs-dir {} is a file, not a folder. Choose a folder with --runs-dir."),
])
def test_a_file_where_a_folder_belongs(tmp_path, capsys, option, make, message):
    given = tmp_path / "given"
    if make:
        given.write_text("")
    args = ["run", option, str(given)] + (["--runs-dir", str(tmp_path / "runs")] if option != "--runs-dir" else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ERROR: {message.format(given)}") and err.count("\n") == 1, err


def tiny_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("N = 1  # a number (0 or more)", metadata={"tags": ["parameters"]})]
    nbformat.write(nb, path)


def test_tilde_is_the_home_folder_in_every_path_option(tmp_path, monkeypatch, capsys):
    """`--runs-dir=~/runs` reaches Python with its `~` (the shell expands it only at a word's start)."""
    home = tmp_path / "home"
    (home / "lessons").mkdir(parents=True)
    tiny_notebook(home / "lessons" / "01_tiny.ipynb")
    (home / "p.yaml").write_text("N: 5\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    ran = []
    monkeypatch.setattr(runner, "execute_notebook", lambda notebook, output, parameters: ran.append(parameters))
    assert main(["run", "--runs-dir=~/runs", "--notebooks=~/lessons", "-f=~/p.yaml", "--name", "t", "--no-html"]) == 0
    assert ran == [{"N": 5}]
    summary = json.loads((home / "runs" / "t" / "summary.json").read_text())
    assert summary["status"] == "complete"
    assert not (tmp_path / "~").exists(), "no folder named ~"
    capsys.readouterr()


def test_a_file_parameter_may_start_with_tilde(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "mnist.npz").write_bytes(b"")
    check_path("DATA_PATH", "~/mnist.npz")
    with pytest.raises(ParameterError) as raised:
        check_path("DATA_PATH", "~/other.npz")
    assert str(raised.value) == f"DATA_PATH names no file: '~/other.npz' (looked at {tmp_path / 'other.npz'})"
    with pytest.raises(ParameterError, match="DATA_PATH names a folder, not a file: '~'"):
        check_path("DATA_PATH", "~")


def test_a_tilde_naming_no_user_stays_as_typed(tmp_path, monkeypatch):
    """As in a shell: ~no_such_user/x is a path like any other (no RuntimeError from pathlib)."""
    monkeypatch.chdir(tmp_path)
    assert user_path("~no_such_user_here/mnist.npz") == Path("~no_such_user_here/mnist.npz")
    with pytest.raises(ParameterError, match="DATA_PATH names no file: '~no_such_user_here/mnist.npz'"):
        check_path("DATA_PATH", "~no_such_user_here/mnist.npz")
    with pytest.raises(DigitImageError, match="No image file at ~no_such_user_here/7.png"):
        opened_image("~no_such_user_here/7.png").__enter__()
