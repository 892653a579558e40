"""The runner's parameters: typed as papermill types them, checked against each notebook's declaration."""

import contextlib
import difflib
import os
import re
import select
import stat
import time
from pathlib import Path

import yaml

from mnist_helpers.params import ParameterError, check_values, parameters_cell, read_declaration
from mnist_helpers.series import RunError

# A parameters file is a few NAME: VALUE lines: a bigger one is the wrong file, and would take minutes to parse.
MAX_PARAMETERS_FILE = 64 * 1024


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

    def compose_node(self, parent, index):
        # An alias repeats an earlier value by reference: ten lines of nested aliases (a "billion
        # laughs") expand to gigabytes once printed. A parameters file needs none.
        if self.check_event(yaml.AliasEvent):
            alias = self.peek_event()
            raise yaml.composer.ComposerError(None, None, f"the alias *{alias.anchor} is not allowed, write the "
                                                          f"value itself", alias.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        # YAML keeps the last of two equal names without a word; a parameter set twice is a mistake.
        seen = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise yaml.constructor.ConstructorError(None, None, f"{key.value} is set twice", key.start_mark)
                seen.add(key.value)
        return super().construct_mapping(node, deep)


ParametersFileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def read_parameters(pairs, parameters_file):
    """{NAME: value} from a -f file, then the -p pairs, which win."""
    parameters = read_parameters_file(parameters_file) if parameters_file else {}
    for name, value in pairs:
        parameters[name] = typed_value(value)
    return parameters


def read_bounded(path, wait=1.0):
    """At most MAX_PARAMETERS_FILE + 1 bytes of `path`: -f /dev/zero or a disk image answers at once.

    A pipe (-f <(echo "EPOCHS: 3"), or a named pipe) is read as its writer writes, for `wait`
    seconds at most: one that nothing writes to, or that never ends, is an error, not a run that
    hangs before it starts.
    """
    if not stat.S_ISFIFO(path.stat().st_mode):
        with path.open("rb") as file:
            return file.read(MAX_PARAMETERS_FILE + 1)
    pipe = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # opening a pipe blocks until a writer opens it
    data, deadline = b"", time.monotonic() + wait
    try:
        while len(data) <= MAX_PARAMETERS_FILE:
            if not select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))[0]:
                what = "did not end" if data else "had nothing written to it"
                raise RunError(f"The pipe {path} {what} within {wait:g} s; -f takes a file, or a pipe whose "
                               f"writer finishes at once, e.g. -f <(echo 'EPOCHS: 3').")
            chunk = os.read(pipe, MAX_PARAMETERS_FILE + 1 - len(data))
            if not chunk:  # the writer closed it: the whole file is read
                break
            data += chunk
    finally:
        os.close(pipe)
    return data


def read_parameters_file(path):
    """{NAME: value} of a -f file. Whatever the file is (missing, a folder, binary, huge, broken
    YAML, an alias bomb), the answer comes within a second, as one RunError naming the file.
    An empty file, or one of comments only, sets no parameter (as papermill reads it)."""
    path = Path(path)
    form = "a parameters file holds NAME: VALUE lines, e.g. EPOCHS: 3"
    try:
        data = read_bounded(path)
    except FileNotFoundError:
        raise RunError(f"No parameters file at {path}. Check the path given to -f.") from None
    except IsADirectoryError:
        raise RunError(f"{path} is a folder; -f takes a file ({form}).") from None
    except OSError as error:
        raise RunError(f"Cannot read the parameters file {path} ({error.strerror or error}).") from None
    if len(data) > MAX_PARAMETERS_FILE:
        raise RunError(f"{path} is larger than {MAX_PARAMETERS_FILE // 1024} KiB, too large for a parameters "
                       f"file ({form}). Check that -f names the right file.")
    try:
        loaded = yaml.load(data.decode("utf-8-sig"), Loader=ParametersFileLoader)
    except (UnicodeDecodeError, yaml.reader.ReaderError):
        raise RunError(f"{path} is not a text file; {form}. Check that -f names the right file.") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        detail = ", ".join(part for part in (error.context, error.problem) if part)
        raise RunError(f"{path}, line {mark.line + 1}: {detail}; {form}.") from None
    except RecursionError:
        raise RunError(f"{path} nests values too deeply; {form}.") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        kind = {"list": "a list", "str": "plain text"}.get(type(loaded).__name__, "a single value")
        raise RunError(f"{path} must hold NAME: VALUE lines, e.g. EPOCHS: 3; it holds {kind}.")
    for name in loaded:
        if not (isinstance(name, str) and name.isidentifier()):
            raise RunError(f"{path}: {name!r} is no parameter name; {form}.")
    return loaded


def declared_parameters(notebook):
    """{NAME: (default, range)} of the notebook's `parameters` cell (see mnist_helpers.params)."""
    try:
        return read_declaration(parameters_cell(notebook), where=f"{Path(notebook).name}, parameters cell")
    except ParameterError as error:
        raise RunError(str(error)) from None


def defaults(declared):
    """{NAME: default} of a declaration."""
    return {name: default for name, (default, _) in declared.items()}


def default_values(notebook):
    """{NAME: default} of a notebook's parameters cell."""
    return defaults(declared_parameters(notebook))


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


@contextlib.contextmanager
def working_directory(path):
    """chdir for the duration (contextlib.chdir, which Python 3.10 lacks)."""
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def validate(notebook, declared, values):
    """Check a notebook's parameter values against its declaration, before any notebook runs.

    From the notebook's folder, as its kernel would: relative paths start there.
    """
    try:
        with working_directory(notebook.parent):
            check_values(declared, values, notebook.name)
    except ParameterError as error:
        raise RunError(str(error)) from None
