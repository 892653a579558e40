"""Keep TensorFlow's start-up chatter out of notebook outputs, and say plainly when Keras's backend cannot load.

TensorFlow 2.21 writes its start-up lines (oneDNN notice, CUDA probe, CPU-feature guard,
absl's "log messages before InitializeLog") straight to file descriptor 2 from C++, before
TF_CPP_MIN_LOG_LEVEL is read, and ipykernel stores whatever reaches that descriptor as a
stderr output. So we import TensorFlow once, with descriptor 2 pointed at a temporary file,
and replay that file only if the import fails.

Before that, the backend Keras will pick is checked: KERAS_BACKEND=jax without jax installed
would otherwise end in a ModuleNotFoundError deep inside Keras.
"""

import importlib.util
import json
import os
import sys
import tempfile

from mnist_helpers.data import keras_home

# Keras 3's backends, each with how to install its package.
BACKENDS = {
    "tensorflow": "pip install -r requirements.txt",  # the series' own, pinned
    "jax": "pip install jax",
    "torch": "pip install torch",
    "numpy": "pip install numpy",
    "openvino": "pip install openvino",
}


class KerasBackendError(ImportError):
    """Keras is set to a backend that cannot load here; the message says which and what to do."""


def keras_backend():
    """(backend, where it is set), as Keras picks it: $KERAS_BACKEND, else keras.json, else tensorflow."""
    if os.environ.get("KERAS_BACKEND"):  # Keras ignores an empty one too
        return os.environ["KERAS_BACKEND"], "by KERAS_BACKEND"
    config = keras_home() / "keras.json"
    try:
        return json.loads(config.read_text())["backend"], f"in {config}"
    except (OSError, ValueError, KeyError, TypeError):
        return "tensorflow", "by default"


def backend_problem():
    """One sentence when the Keras backend chosen here cannot load, else None."""
    backend, where = keras_backend()
    if backend not in BACKENDS:
        return (f"Keras is set to the backend {backend!r} {where}, which Keras does not know: pick one of "
                f"{', '.join(BACKENDS)}, e.g. KERAS_BACKEND=tensorflow (the series' own).")
    if importlib.util.find_spec(backend) is None:
        return (f"Keras is set to the {backend} backend {where}, but the {backend} package is not installed: "
                f"install it (`{BACKENDS[backend]}`), or pick another backend, e.g. KERAS_BACKEND=tensorflow.")
    return None


_previous_excepthook = sys.excepthook


def _uncaught(kind, error, traceback):
    """sys.excepthook once a KerasBackendError is on its way: a plain Python process (`python -m
    mnist_helpers doctor`, a script) shows its one sentence, not a traceback through the package's imports.
    IPython and Jupyter show errors their own way and never call this."""
    if issubclass(kind, KerasBackendError):
        print(f"PROBLEM: {error}", file=sys.stderr)
    else:
        _previous_excepthook(kind, error, traceback)


def quiet_tensorflow_startup():
    """Check Keras's backend, then import TensorFlow, if installed, and initialise its devices with stderr
    silenced. Raises KerasBackendError if the backend cannot load."""
    global _previous_excepthook
    __tracebackhide__ = True  # IPython shows the message, not this frame
    # Later C++ warnings (e.g. large allocations) honour this variable; a user's own value wins.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "keras" not in sys.modules:  # once Keras is loaded, its backend is settled whatever the variable says
        problem = backend_problem()
        if problem:
            if sys.excepthook is not _uncaught:
                _previous_excepthook, sys.excepthook = sys.excepthook, _uncaught
            raise KerasBackendError(problem)
    # On JAX too: Keras's set_random_seed imports TensorFlow whenever it is installed. Not on PyTorch, which
    # shares no process with TensorFlow (the two crash together: its environment must not hold TensorFlow).
    if keras_backend()[0] == "torch" or "tensorflow" in sys.modules or importlib.util.find_spec("tensorflow") is None:
        return
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            import tensorflow as tf

            tf.config.list_physical_devices()  # the CUDA probe logs here, not at import
        except BaseException:
            os.dup2(saved_stderr, 2)
            sink.seek(0)
            sys.stderr.write(sink.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
