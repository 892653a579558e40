"""Shared plumbing for the MNIST notebook series.

The lessons live in the notebooks; this package holds what they share and what a reader
need not re-read each time: loading and verifying the data, drawing digit grids,
reading photos of digits, saving and loading models safely, checking a notebook's parameters.
The series' tooling (runner, learner edition, planners) lives in mnist_helpers.series, which
this import never loads.

Import it *before* keras: it keeps TensorFlow's start-up log lines (oneDNN notices, CUDA
probes) out of notebook outputs. Nothing is downloaded on import.
"""

from mnist_helpers._python import python_problem

try:
    from mnist_helpers._quiet import quiet_tensorflow_startup
except ModuleNotFoundError:  # nothing installed: on a Python TensorFlow does not support, that is why
    if problem := python_problem():
        raise SystemExit(problem) from None
    raise

quiet_tensorflow_startup()

from mnist_helpers import (  # noqa: E402  (mh.plots.show_digits, ...)
    designs,
    diagrams,
    handwriting,
    ink,
    photos,
    plots,
    recipe_ablation,  # notebook 08's sixteen lines, a step at a time
    training_figures,  # notebook 05's figures
)
from mnist_helpers.artifacts import (  # noqa: E402
    ArtifactError,
    ensure_model,
    load_model,
    made_with_defaults,
    read_json,
    run_folder,
    save_model,
    validation_digits,
    write_json,
)
from mnist_helpers.evidence import compare  # noqa: E402
from mnist_helpers.data import (  # noqa: E402
    ENV_VAR,
    MnistDataError,
    load_mnist,
    prepare_dense,
    shuffled,
)
from mnist_helpers.layout import MEASURED  # noqa: E402
from mnist_helpers.params import ParameterError, check_parameters  # noqa: E402
from mnist_helpers.training import warmup_cosine  # noqa: E402

__all__ = [
    "ENV_VAR",
    "MEASURED",
    "ArtifactError",
    "MnistDataError",
    "ParameterError",
    "check_parameters",
    "compare",
    "ensure_model",
    "designs",
    "diagrams",
    "handwriting",
    "ink",
    "load_mnist",
    "load_model",
    "made_with_defaults",
    "photos",
    "plots",
    "prepare_dense",
    "read_json",
    "recipe_ablation",
    "run_folder",
    "save_model",
    "shuffled",
    "training_figures",
    "validation_digits",
    "warmup_cosine",
    "write_json",
]
