"""The runner's parameters: typed as papermill types them, checked against each notebook's declaration."""

import contextlib
import difflib
import os
import re
from pathlib import Path

import yaml

from mnist_helpers.params import ParameterError, check_values, parameters_cell, read_declaration
from mnist_helpers.series import RunError


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
