"""Run folders and the artefacts that travel between notebooks (introduced in notebook 04).

Every write goes to a temporary file in the same folder and is then renamed over the
target, so a run killed halfway leaves either the old artefact or the new one, never half
of one that a later notebook would trust.
"""

import json
import math
import os
import tempfile
from pathlib import Path


class ArtifactError(RuntimeError):
    """A run folder or artefact is missing or unusable; the message says what to do."""


def run_folder(path):
    """Create the run folder if needed, check that it is writable, and return it as a Path."""
    __tracebackhide__ = True
    folder = Path(path).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise ArtifactError(
            f"Cannot use {folder} as the run folder ({error.strerror or error}). "
            f"Pass a writable folder as RUN_DIR."
        ) from None
    return folder


def _umask():
    umask = os.umask(0)  # the only way to read it is to set it
    os.umask(umask)
    return umask


def _atomic_write(target, write):
    """Call write(tmp_path) on a temporary file beside `target`, then rename it over `target`.

    The folder is created if missing; a folder that cannot be made or written is named in an
    ArtifactError (never the hidden temporary file).
    """
    __tracebackhide__ = True
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Keras insists on the .keras suffix, so the temporary name keeps the target's suffix.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix)
    except OSError as error:
        raise ArtifactError(
            f"Cannot write {target.name} into {target.parent} ({error.strerror or error}). "
            f"Check that the folder can be created and written, or choose another (RUN_DIR)."
        ) from None
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; give it an ordinary file's mode
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def save_model(model, path):
    """Save a Keras model as a .keras file, atomically, creating its folder if needed."""
    __tracebackhide__ = True
    if Path(path).suffix != ".keras":
        raise ArtifactError(f"Model files must end in .keras, got {path}.")
    return _atomic_write(path, model.save)


def best_model_checkpoint(path, monitor="val_loss"):
    """A callback that keeps the model of the epoch with the lowest `monitor` at `path` (notebook 04).

    Keras's own ModelCheckpoint writes straight over the file, so a run killed mid-save
    leaves a truncated model behind; this one saves through `save_model`, atomically.
    """
    import keras

    class BestModelCheckpoint(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.best = math.inf

        def on_epoch_end(self, epoch, logs=None):
            current = (logs or {}).get(monitor)
            if current is not None and current < self.best:
                self.best = current
                save_model(self.model, path)

    return BestModelCheckpoint()


# Which notebook saves each model into a run folder (the runner and the error messages ask).
MODEL_MAKERS = {"model.keras": "04_training.ipynb", "cnn.keras": "06_convolutions.ipynb"}


def load_model(path):
    """Load a .keras model with safe_mode=True; a missing file says which notebook makes it."""
    __tracebackhide__ = True
    import keras

    path = Path(path)
    made_by = MODEL_MAKERS.get(path.name, "the notebook that saves it")
    if not path.is_file():
        raise ArtifactError(
            f"No model at {path}. Run {made_by} with the same RUN_DIR first "
            f"(or `python -m mnist_helpers run`, which runs the series in order)."
        )
    try:
        return keras.models.load_model(path, safe_mode=True)
    except Exception as error:
        raise ArtifactError(
            f"{path} exists but is not a loadable Keras model ({type(error).__name__}: {error}). "
            f"Delete it and re-run {made_by}."
        ) from None


def write_json(path, data):
    """Write data as indented JSON, atomically."""

    def write(tmp):
        Path(tmp).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")

    return _atomic_write(path, write)


def read_json(path):
    """Read a JSON artefact."""
    return json.loads(Path(path).read_text())
