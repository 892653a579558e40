"""Keep TensorFlow's start-up chatter out of notebook outputs.

TensorFlow 2.21 writes its start-up lines (oneDNN notice, CUDA probe, CPU-feature guard,
absl's "log messages before InitializeLog") straight to file descriptor 2 from C++, before
TF_CPP_MIN_LOG_LEVEL is read, and ipykernel stores whatever reaches that descriptor as a
stderr output. So we import TensorFlow once, with descriptor 2 pointed at a temporary file,
and replay that file only if the import fails.
"""

import json
import os
import sys
import tempfile

from mnist_helpers.data import keras_home


def _keras_backend():
    """The backend keras will pick: $KERAS_BACKEND, else keras.json, else tensorflow."""
    if "KERAS_BACKEND" in os.environ:
        return os.environ["KERAS_BACKEND"]
    try:
        return json.loads((keras_home() / "keras.json").read_text()).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"


def quiet_tensorflow_startup():
    """Import TensorFlow and initialise its devices with stderr silenced (a no-op on other backends)."""
    # Later C++ warnings (e.g. large allocations) honour this variable; a user's own value wins.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if _keras_backend() != "tensorflow" or "tensorflow" in sys.modules:
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
