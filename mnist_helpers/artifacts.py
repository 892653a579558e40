"""Run folders and the artefacts that travel between notebooks (introduced in notebook 05).

Every write goes to a temporary file in the same folder and is then renamed over the
target, so a run killed halfway leaves either the old artefact or the new one, never half
of one that a later notebook would trust. Every read checks what it reads: a missing,
damaged or wrong artefact is an ArtifactError naming the file and the notebook that makes it.
"""

import json
import os
import tempfile
from pathlib import Path
from typing import NamedTuple

from mnist_helpers.layout import MEASURED, user_path


class ArtifactError(RuntimeError):
    """A run folder or artefact is missing or unusable; the message says what to do."""


class SavedModel(NamedTuple):
    notebook: str  # the notebook that saves it into the run folder
    kind: str
    input_shape: tuple  # the shapes tell the series' two models apart, and from anything else
    output_shape: tuple


# The models the notebooks save into a run folder, and what each must be (ensure_model and load_model ask).
MODEL_MAKERS = {
    "model.keras": SavedModel("05_training.ipynb", "dense network", (None, 784), (None, 10)),
    "cnn.keras": SavedModel("07_convolutions.ipynb", "CNN", (None, 28, 28, 1), (None, 10)),
}
# Every run-folder artefact a later notebook reads, and the notebook that writes it.
ARTIFACT_MAKERS = {name: model.notebook for name, model in MODEL_MAKERS.items()} | {
    "history.json": "05_training.ipynb",
    "05_training.metrics.json": "05_training.ipynb",
    "07_convolutions.metrics.json": "07_convolutions.ipynb",
}


def _what_to_do(path, fix="delete it"):
    """The end of an artefact's error message: how to make it (again); fix=None for a missing one."""
    if path.resolve().parent == MEASURED:
        return "it ships with mnist_helpers, so reinstall the package (in the repository: `git restore` it)"
    maker = ARTIFACT_MAKERS.get(path.name)
    if maker is None and path.name.endswith(".metrics.json"):  # each notebook writes <its name>.metrics.json
        maker = path.name.removesuffix(".metrics.json") + ".ipynb"
    if maker is None:
        return "check the path" if fix is None else f"{fix} and write it again"
    if fix is None:
        return f"run {maker} with the same RUN_DIR first (or `python -m mnist_helpers run`, which runs the series)"
    return f"{fix} and re-run {maker} with the same RUN_DIR, which writes it again"


def _free_to_write(target):
    """Fail at once, naming target, when a folder stands where a file is to be saved (not after the work)."""
    __tracebackhide__ = True
    if target.is_dir():
        raise ArtifactError(f"{target} is a folder, so {target.name} cannot be saved there: move that folder "
                            f"out of the way, or choose another RUN_DIR.")


def run_folder(path):
    """Create the run folder if needed, check that it is writable, and return it as a Path.

    A folder standing where the series saves an artefact (model.keras, ...) is reported now, before training.
    """
    __tracebackhide__ = True
    folder = user_path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise ArtifactError(
            f"Cannot use {folder} as the run folder ({error.strerror or error}). "
            f"Pass a writable folder as RUN_DIR."
        ) from None
    for name in ARTIFACT_MAKERS:
        _free_to_write(folder / name)
    return folder


def _umask():
    umask = os.umask(0)  # the only way to read it is to set it
    os.umask(umask)
    return umask


def _atomic_write(target, write):
    """Call write(tmp_path) on a temporary file beside `target`, then rename it over `target`.

    The folder is created if missing; a folder that cannot be made or written, or a folder standing
    at `target`, is named in an ArtifactError (never the hidden temporary file) before write is called.
    """
    __tracebackhide__ = True
    target = Path(target)
    _free_to_write(target)
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


def _shapes(model):
    try:
        return tuple(model.input_shape), tuple(model.output_shape)
    except Exception:  # a subclassed model has no fixed shapes
        return None


def _check_kind(model, path):
    """model.keras must be 05's dense network and cnn.keras 07's CNN: a swapped or foreign model is named here,
    not by a shape error deep inside Keras when a later notebook feeds it digits."""
    __tracebackhide__ = True
    expected = MODEL_MAKERS.get(path.name)
    shapes = _shapes(model)
    if expected is None or shapes == (expected.input_shape, expected.output_shape):
        return
    holds = "a model without fixed input and output shapes"
    if shapes is not None:
        holds = f"a model with input shape {shapes[0]} and output shape {shapes[1]}"
    for name, other in MODEL_MAKERS.items():
        if shapes == (other.input_shape, other.output_shape):  # the series' other model, in the wrong file
            holds = f"{other.notebook}'s {other.kind} (input {other.input_shape}), which belongs in {name}"
    raise ArtifactError(f"{path} holds {holds}, not {expected.notebook}'s {expected.kind} (input "
                        f"{expected.input_shape}, output {expected.output_shape}): "
                        f"{_what_to_do(path, 'move it aside or delete it')}.")


def load_model(path):
    """Load a .keras model with safe_mode=True; a missing, damaged or wrong model says which notebook makes it."""
    __tracebackhide__ = True
    import keras

    path = Path(path)
    if path.is_dir():
        raise ArtifactError(f"{path} is a folder, not a model: {_what_to_do(path, 'move it out of the way')}.")
    if not path.is_file():
        raise ArtifactError(f"No model at {path}: {_what_to_do(path, fix=None)}.")
    try:
        model = keras.models.load_model(path, safe_mode=True)
    except Exception as error:
        raise ArtifactError(f"{path} exists but is not a loadable Keras model ({type(error).__name__}: {error}): "
                            f"{_what_to_do(path)}.") from None
    _check_kind(model, path)
    return model


def ensure_model(run_dir, filename="model.keras", **parameters):
    """Load a model an earlier notebook saved in run_dir; if there is none, run that notebook first.

    model.keras is notebook 05's dense network, cnn.keras notebook 07's CNN (notebooks 06-08
    call this, so that each also runs opened on its own). The maker notebook runs in a kernel
    of its own, with `parameters`, without its check cells (its lesson, not the checks of its
    text's figures), and its executed copy is kept in run_dir beside the model. With the maker's
    defaults, its metrics file records so, as its check cell would have.
    """
    __tracebackhide__ = True
    if filename not in MODEL_MAKERS:
        raise ArtifactError(f"ensure_model makes {' and '.join(MODEL_MAKERS)}, not {filename}.")
    run_dir = Path(run_dir)
    model_path = run_dir / filename
    if not model_path.is_file():
        run_folder(run_dir)  # made, writable, and no folder where the model goes: before minutes of training
        from mnist_helpers.layout import NOTEBOOKS
        from mnist_helpers.params import ParameterError, check_values, parameters_cell, read_declaration
        from mnist_helpers.series.kernels import execute_notebook

        maker = Path(MODEL_MAKERS[filename].notebook)
        maker = maker if maker.is_file() else NOTEBOOKS / maker  # the reader's copy, else the repository's
        if not maker.is_file():
            raise ArtifactError(f"No {filename} in {run_dir}, and no {maker.name} beside this notebook to make it: "
                                f"put {maker.name} beside it, or run it with the same RUN_DIR first.")
        declared = read_declaration(parameters_cell(maker), where=f"{maker.name}, parameters cell")
        unknown = sorted(set(parameters) - set(declared))
        if unknown:
            raise ParameterError(f"{maker.name} declares no parameter {', '.join(unknown)}.")
        run_values = {name: default for name, (default, _) in declared.items()} | parameters
        defaults = check_values(declared, run_values | {"RUN_DIR": str(run_dir)}, maker.name)  # before the training
        given = ", ".join(f"{name}={value!r}" for name, value in parameters.items())
        print(f"No {filename} in {run_dir}: running {maker.name} first, in a kernel of its own ({given}). "
              f"This takes a few minutes; its executed copy goes to {run_dir / maker.name}.", flush=True)
        execute_notebook(maker, run_dir / maker.name, {"RUN_DIR": str(run_dir.resolve()), **parameters},
                         checks=False)
        if defaults:  # what the maker's own (skipped) check cell records for the checks of later notebooks
            metrics = run_dir / f"{maker.stem}.metrics.json"
            write_json(metrics, {**read_json(metrics), "default_parameters": True})
        print(f"{maker.name} is done: {model_path} is saved.", flush=True)
    return load_model(model_path)


def validation_digits(run_dir, data_path=None):
    """(images, labels): the training digits notebook 05's `fit` held out for validation in run_dir, which
    its model never trained on (notebook 06 chooses its confidence threshold on them).

    05 records how many shuffled training digits it used and the share `validation_split` held out;
    Keras holds out the last ones, from floor(n x (1 - share)) on. Run folders from before 05 recorded
    them get 05's defaults, 60,000 and 0.1.
    """
    from mnist_helpers.data import load_mnist, shuffled

    made = read_json(Path(run_dir) / "05_training.metrics.json")
    n_train = made.get("train_samples", 60000)
    split_at = int(n_train * (1 - made.get("validation_split", 0.1)))  # Keras's own rule (int() floors: n > 0)
    (images, labels), _ = load_mnist(data_path)
    images, labels = shuffled(images, labels)  # 05's order, before its split
    return images[split_at:n_train], labels[split_at:n_train]


def made_with_defaults(run_dir, *filenames):
    """Whether each model in run_dir (model.keras, cnn.keras) was trained by its notebook with that
    notebook's default parameters, as the notebook records in its metrics file. The later notebooks'
    check cells test the figures their text quotes only then; a missing or older metrics file counts as not,
    a damaged one is an ArtifactError."""
    run_dir = Path(run_dir)
    for filename in filenames:
        metrics = run_dir / f"{Path(MODEL_MAKERS[filename].notebook).stem}.metrics.json"
        if not metrics.exists() or read_json(metrics).get("default_parameters") is not True:
            return False
    return True


def write_json(path, data):
    """Write data as indented JSON, atomically."""

    def write(tmp):
        Path(tmp).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    return _atomic_write(path, write)


def read_json(path):
    """Read a JSON artefact: an object, as the series writes them. A missing, damaged or misplaced one is an
    ArtifactError naming the file and what to do (for a run folder's artefact: the notebook that writes it)."""
    __tracebackhide__ = True
    path = Path(path)
    fix = "delete it"
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except FileNotFoundError:
        problem, fix = "is missing", None
    except IsADirectoryError:
        problem, fix = "is a folder, not a JSON file", "move it out of the way"
    except UnicodeDecodeError:
        problem = "holds binary data, not JSON"
    except json.JSONDecodeError as error:
        problem = "is empty" if not text.strip() else f"is truncated or not JSON ({error.msg}, line {error.lineno})"
    except OSError as error:
        problem = f"cannot be read ({error.strerror or error})"
    else:
        if isinstance(data, dict):
            return data
        problem = "is JSON but not the object the series writes"
    raise ArtifactError(f"{path} {problem}: {_what_to_do(path, fix)}.")
