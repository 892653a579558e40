"""How a notebook is being run: in a reader's JupyterLab, or headless (papermill, nbval)."""

import os


def is_interactive():
    """True in a kernel started by Jupyter Server (JupyterLab, Notebook), False headless.

    Jupyter Server sets JPY_SESSION_NAME for the kernels it starts; papermill and nbval
    start kernels directly and do not.
    """
    return "JPY_SESSION_NAME" in os.environ


def fit_verbosity():
    """Progress bars for a reader watching; one line per epoch in stored and headless outputs.

    Introduced in notebook 02. Returns the value for `model.fit(verbose=...)`.
    """
    return 1 if is_interactive() else 2
