"""Notebook parameters: declared once, in each notebook's `parameters` cell, and checked from there.

Each line of that cell is `NAME = literal  # what it does (range)`. The comment is what
`papermill --help-notebook` shows, and its last parenthesis is the parameter's range, in one
of these forms:

    (1 to 200)               a number in that range; an integer when the default is one
    (0 or more)              a number from that value up
    ("constant" or "cosine")  one of the quoted words
    (a file, or "")          a path to an existing file, or empty
    (a folder)               a folder's path (made or checked where it is used)

The notebook's folded check cell after its parameters, `defaults = mh.check_parameters(...)`, and
the runner's fail-fast read that same declaration, so a range is written once. papermill injects
whatever a user passes, typed as YAML (`-p EPOCHS ten` arrives as text); every bad value
becomes one line naming the parameter, what it must be, and what it got.
"""

import ast
import io
import json
import math
import numbers
import re
import tokenize
from pathlib import Path

from mnist_helpers._quiet import keras_backend
from mnist_helpers.layout import user_path

# Where the data comes from and where artefacts go change no figure the text quotes.
LOCATIONS = ("DATA_PATH", "RUN_DIR")

RANGE = re.compile(r"\(([^()]*)\)\s*$")
WORDS = re.compile(r'"([^"]*)"')


class ParameterError(ValueError):
    """A notebook parameter is out of range, of the wrong type, or declared wrongly."""


def check_number(name, value, minimum=None, maximum=None, integer=False):
    """Raise ParameterError unless `value` is a number (an int if `integer`) in [minimum, maximum]."""
    __tracebackhide__ = True  # IPython shows the message, not this frame
    kind = "an integer" if integer else "a number"
    wanted = (numbers.Integral,) if integer else (numbers.Real,)
    if isinstance(value, bool) or not isinstance(value, wanted):
        raise ParameterError(f"{name} must be {kind}, got {value!r}")
    if not math.isfinite(value):  # NaN passes every comparison below, and infinity is no size or rate
        raise ParameterError(f"{name} must be a finite number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ParameterError(f"{name} must be {kind} >= {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ParameterError(f"{name} must be {kind} <= {maximum}, got {value!r}")


def check_choice(name, value, choices):
    """Raise ParameterError unless `value` is one of `choices`."""
    __tracebackhide__ = True
    if value not in choices:
        raise ParameterError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


def check_path(name, value):
    """Raise ParameterError unless `value` is text and, if not empty, names an existing file (`~` is the
    home folder, as the helpers that read the file take it)."""
    __tracebackhide__ = True
    if not isinstance(value, str):
        raise ParameterError(f"{name} must be a path in quotes, got {value!r}")
    path = user_path(value)
    if value and not path.is_file():
        where = f"looked at {path}" if value.startswith("~") else "relative paths start in notebooks/"
        kind = "a folder, not a file" if path.is_dir() else "no file"
        raise ParameterError(f"{name} names {kind}: {value!r} ({where})")


def check_folder(name, value):
    """Raise ParameterError unless `value` is non-empty text (the folder is made or checked where used)."""
    __tracebackhide__ = True
    if not isinstance(value, str) or not value:
        raise ParameterError(f"{name} must be a folder's path in quotes, got {value!r}")


# --- The declaration ---------------------------------------------------------------------------

def parameters_cell(notebook):
    """The source of the notebook's cell tagged `parameters`."""
    notebook = Path(notebook)
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise ParameterError(f"Cannot read the notebook {notebook} ({error}).") from None
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return "".join(cell["source"])
    raise ParameterError(f"{notebook.name} has no cell tagged 'parameters'.")


def read_declaration(source, where="the parameters cell"):
    """{NAME: (default, range text)} from a parameters cell's source, in order.

    A line that is not `NAME = literal  # comment (range)`, or a range of no known form, is an
    error naming the line: the declaration is what every check reads, so it must be exact.
    """
    try:
        tree = ast.parse(source)
        comments = {token.start[0]: token.string for token in tokenize.generate_tokens(io.StringIO(source).readline)
                    if token.type == tokenize.COMMENT}
    except (SyntaxError, tokenize.TokenError) as error:
        line = getattr(error, "lineno", None) or "?"
        raise ParameterError(f"{where}, line {line}: not valid Python ({getattr(error, 'msg', error)}). "
                             f"Each line must read NAME = value  # comment (range).") from None
    declared = {}
    for statement in tree.body:
        line = statement.lineno
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Constant)):
            raise ParameterError(f"{where}, line {line}: {ast.get_source_segment(source, statement)!r} is not "
                                 f"NAME = literal (papermill can only inject plain values).")
        name, default = statement.targets[0].id, statement.value.value
        found = RANGE.search(comments.get(line, ""))
        if not found:
            raise ParameterError(f"{where}, line {line}: {name}'s comment must end with its range in "
                                 f"parentheses, e.g. (1 to 200).")
        declared[name] = (default, found.group(1).strip())
        try:
            check_value(name, default, default, declared[name][1])  # the default must obey its own range
        except ParameterError as error:
            raise ParameterError(f"{where}, line {line}: {error}") from None
    return declared


def check_value(name, value, default, allowed):
    """Raise ParameterError unless `value` fits the declared range text `allowed` (see the module)."""
    __tracebackhide__ = True
    integer = isinstance(default, int) and not isinstance(default, bool)
    if "file" in allowed:
        return check_path(name, value)
    if "folder" in allowed:
        return check_folder(name, value)
    words = WORDS.findall(allowed)
    if words:
        return check_choice(name, value, words)
    bounds = re.fullmatch(r"(-?[\d.e-]+) to (-?[\d.e-]+)|(-?[\d.e-]+) or more", allowed)
    if not bounds:
        raise ParameterError(f"{name}: its range ({allowed}) is none of the known forms: "
                             f"(1 to 200), (0 or more), (\"a\" or \"b\"), (a file, or \"\"), (a folder).")
    low, high, floor = bounds.groups()
    number = int if integer else float
    minimum = number(low if floor is None else floor)
    maximum = None if high is None else number(high)
    return check_number(name, value, minimum=minimum, maximum=maximum, integer=integer)


def check_values(declared, values, notebook_name):
    """Check every declared parameter's value; return True when all but LOCATIONS have their defaults and
    Keras runs on TensorFlow: the series' backend, where the text's figures were measured (another backend
    draws other random weights)."""
    __tracebackhide__ = True
    for name, (default, allowed) in declared.items():
        try:
            check_value(name, values[name], default, allowed)
        except KeyError:
            raise ParameterError(f"{notebook_name}: {name} is not set; run the parameters cell.") from None
        except ParameterError as error:
            raise ParameterError(f"{notebook_name}: {error}") from None
    defaults = all(values[name] == default for name, (default, _) in declared.items() if name not in LOCATIONS)
    return defaults and keras_backend()[0] == "tensorflow"


def check_parameters(notebook_name, namespace):
    """Check this notebook's parameters against the ranges its parameters cell declares.

    `notebook_name` is the notebook's file, found in the working folder (where Jupyter,
    nbval and papermill run a notebook); `namespace` is the notebook's globals(). Returns
    check_values' answer, so that the folded check cells know whether the text's figures
    apply. A notebook copied away from its file cannot read its ranges: it says so and
    returns False.
    """
    __tracebackhide__ = True
    path = Path(notebook_name)
    if not path.is_file():
        print(f"(Cannot find {notebook_name} in {Path.cwd()}, so its parameters' ranges are not checked.)")
        return False
    declared = read_declaration(parameters_cell(path), where=f"{path.name}, parameters cell")
    return check_values(declared, namespace, path.name)
