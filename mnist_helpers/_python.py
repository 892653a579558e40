"""The Python versions the series runs on, checked with the standard library only.

`import mnist_helpers` asks this first when its own imports fail: on a Python that TensorFlow does
not support, nothing installs, and "numpy is not installed" would point the learner the wrong way.
"""

import platform


# The Pythons the pinned TensorFlow (requirements.txt: 2.21.0) supports, oldest and newest: its package metadata
# lists 3.10 to 3.13 and PyPI has its wheels for exactly these (none for 3.9 or 3.14). pyproject.toml's
# requires-python says the same; tests/test_python_version.py keeps the three in step.
SUPPORTED_PYTHON = ((3, 10), (3, 13))


def python_problem(version=None):
    """One sentence when `version` ("3.14.0"; this Python's by default) is outside SUPPORTED_PYTHON, else None."""
    version = version or platform.python_version()
    (oldest, newest), found = SUPPORTED_PYTHON, tuple(int(part) for part in version.split(".")[:2])
    if oldest <= found <= newest:
        return None
    return (f"Python {version} is outside the {oldest[0]}.{oldest[1]} to {newest[0]}.{newest[1]} that TensorFlow "
            "2.21 supports: install Python 3.12 or 3.13, delete .venv and create it again with that Python (macOS: "
            "python.org's installer or `brew install python@3.12`, then `python3.12 -m venv .venv`; Windows: "
            "`py install 3.12` or python.org's installer, then `py -3.12 -m venv .venv`; any system: "
            "`conda env create -f environment.yml`), as docs/setup.md shows.")
