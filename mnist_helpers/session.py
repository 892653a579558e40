"""How a notebook is being run: in front of a reader (JupyterLab, Notebook 7, VS Code, Colab), or
headless (papermill, nbval)."""

import os
import sys


def is_interactive():
    """True in a kernel a person is looking at, False headless.

    Jupyter Server (JupyterLab, Notebook 7) sets JPY_SESSION_NAME for the kernels it starts; VS Code
    puts `__vsc_ipynb_file__` in the notebook's namespace; Colab's kernel has `google.colab` imported.
    papermill and nbval start kernels directly, with none of these.
    """
    if "JPY_SESSION_NAME" in os.environ or "google.colab" in sys.modules:
        return True
    from IPython import get_ipython  # here, not at the top: `import mnist_helpers` stays light

    shell = get_ipython()  # None outside IPython: plain Python, no notebook at all
    return shell is not None and "__vsc_ipynb_file__" in shell.user_ns


def upload_button(on_file, description="Upload a digit"):
    """Show an upload button (ipywidgets' FileUpload) that calls `on_file(content, name)` with each
    uploaded file's bytes and name, its output shown below the button (notebook 08). Works wherever
    `is_interactive()` is True; returns the button."""
    import importlib

    import ipywidgets as widgets
    from IPython.display import display

    if "google.colab" in sys.modules:  # Colab draws ipywidgets 8 only through its custom widget manager
        # exists only on Colab; imported by name, as a static import would make `google` look like a dependency
        importlib.import_module("google.colab.output").enable_custom_widget_manager()
    upload = widgets.FileUpload(accept="image/*", multiple=False, description=description)
    shown = widgets.Output()

    def on_change(change):
        shown.clear_output()
        with shown:
            for file in change["new"]:
                on_file(bytes(file["content"]), file["name"])

    upload.observe(on_change, names="value")
    display(upload, shown)
    return upload
