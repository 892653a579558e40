"""Shared plumbing for the MNIST notebook series.

The lessons live in the notebooks; this package holds what they share and what a reader
need not re-read each time: loading and verifying the data, drawing digit grids, metrics,
reading photos of digits, saving models safely, and the headless series runner.

Import it *before* keras: it keeps TensorFlow's start-up log lines (oneDNN notices, CUDA
probes) out of notebook outputs. Nothing is downloaded on import.
"""

from pathlib import Path

from mnist_helpers._quiet import quiet_tensorflow_startup

quiet_tensorflow_startup()

# The repository's docs folder, where `make bench` and `make ablations` write the figures that
# take too long to train in a lesson (notebook 04 plots them; the package is installed editable).
DOCS = Path(__file__).resolve().parents[1] / "docs"

from mnist_helpers import handwriting, metrics, plots, runner  # noqa: E402  (mh.plots.show_digits, ...)
from mnist_helpers.artifacts import (  # noqa: E402
    ArtifactError,
    best_model_checkpoint,
    load_model,
    read_json,
    run_folder,
    save_model,
    write_json,
)
from mnist_helpers.data import (  # noqa: E402
    ENV_VAR,
    MnistDataError,
    load_mnist,
    prepare_dense,
)
from mnist_helpers.params import (  # noqa: E402
    ParameterError,
    check_choice,
    check_number,
    check_path,
)
from mnist_helpers.session import fit_verbosity  # noqa: E402

__all__ = [
    "DOCS",
    "ENV_VAR",
    "ArtifactError",
    "best_model_checkpoint",
    "MnistDataError",
    "ParameterError",
    "check_choice",
    "check_number",
    "check_path",
    "fit_verbosity",
    "handwriting",
    "load_mnist",
    "load_model",
    "metrics",
    "plots",
    "runner",
    "prepare_dense",
    "read_json",
    "run_folder",
    "save_model",
    "write_json",
]
