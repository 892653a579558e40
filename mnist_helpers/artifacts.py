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


def ensure_model(run_dir, filename="model.keras", **parameters):
    """Load a model an earlier notebook saved in run_dir; if there is none, run that notebook first.

    model.keras is notebook 04's dense network, cnn.keras notebook 06's CNN (notebooks 05-07
    call this, so that each also runs opened on its own). The maker notebook runs in a kernel
    of its own, with `parameters`, without its check cells (its lesson, not the checks of its
    text's figures), and its executed copy is kept in run_dir beside the model.
    """
    run_dir = Path(run_dir)
    model_path = run_dir / filename
    if not model_path.is_file():
        run_folder(run_dir)  # made, and writable, before minutes of training
        from mnist_helpers.layout import NOTEBOOKS
        from mnist_helpers.params import ParameterError, check_values, parameters_cell, read_declaration
        from mnist_helpers.series.kernels import execute_notebook

        maker = Path(MODEL_MAKERS[filename])
        maker = maker if maker.is_file() else NOTEBOOKS / maker  # the reader's copy, else the repository's
        declared = read_declaration(parameters_cell(maker), where=f"{maker.name}, parameters cell")
        unknown = sorted(set(parameters) - set(declared))
        if unknown:
            raise ParameterError(f"{maker.name} declares no parameter {', '.join(unknown)}.")
        run_values = {name: default for name, (default, _) in declared.items()} | parameters
        check_values(declared, run_values | {"RUN_DIR": str(run_dir)}, maker.name)  # before minutes of training
        given = ", ".join(f"{name}={value!r}" for name, value in parameters.items())
        print(f"No {filename} in {run_dir}: running {maker.name} first, in a kernel of its own ({given}). "
              f"This takes a few minutes; its executed copy goes to {run_dir / maker.name}.", flush=True)
        execute_notebook(maker, run_dir / maker.name, {"RUN_DIR": str(run_dir.resolve()), **parameters},
                         checks=False)
        print(f"{maker.name} is done: {model_path} is saved.", flush=True)
    return load_model(model_path)


def made_with_defaults(run_dir, *filenames):
    """Whether each model in run_dir (model.keras, cnn.keras) was trained by its notebook with that
    notebook's default parameters, as the notebook records in its metrics file. The later notebooks'
    check cells test the figures their text quotes only then; a missing or older metrics file counts as not."""
    run_dir = Path(run_dir)
    for filename in filenames:
        metrics = run_dir / f"{Path(MODEL_MAKERS[filename]).stem}.metrics.json"
        if not metrics.is_file() or read_json(metrics).get("default_parameters") is not True:
            return False
    return True


def write_json(path, data):
    """Write data as indented JSON, atomically."""

    def write(tmp):
        Path(tmp).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")

    return _atomic_write(path, write)


def read_json(path):
    """Read a JSON artefact."""
    return json.loads(Path(path).read_text())
