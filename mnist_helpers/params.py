"""Validate a notebook's papermill parameters before any work starts (every notebook, cell 2).

papermill injects whatever a user passes, typed as YAML: `-p EPOCHS ten` arrives as a
string and `-p EPOCHS 0` as a number no notebook can use. These checks turn both into one
line that names the parameter, what it must be, and what it got.
"""

import math
import numbers
from pathlib import Path


class ParameterError(ValueError):
    """A notebook parameter is out of range or of the wrong type."""


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
    """Raise ParameterError unless `value` is text and, if not empty, names an existing file."""
    __tracebackhide__ = True
    if not isinstance(value, str):
        raise ParameterError(f"{name} must be a path in quotes, got {value!r}")
    if value and not Path(value).expanduser().is_file():
        raise ParameterError(f"{name} names no file: {value!r} (relative paths start in notebooks/)")
