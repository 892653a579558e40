"""`doctor` and `fetch`: the day-before checks for a workshop or a headless run."""

import importlib
import os
import platform
import time

from mnist_helpers._python import python_problem
from mnist_helpers._quiet import backend_problem, keras_backend
from mnist_helpers.data import (
    ENV_VAR,
    MnistDataError,
    download_to_cache,
    find_mnist,
    keras_cache_path,
    read_verified,
)


def versions(with_keras=True):
    """Versions of what the series depends on (also recorded in each run's summary); Keras's only with_keras,
    since importing it fails when its backend cannot load (then the backend it is set to, read from its settings)."""
    import matplotlib
    import numpy

    found = {"python": platform.python_version()}
    if with_keras:
        import keras

        found.update(keras=keras.__version__, keras_backend=keras.backend.backend())
    else:
        found["keras_backend"] = f"{keras_backend()[0]} (does not load)"
    found.update(numpy=numpy.__version__, matplotlib=matplotlib.__version__)
    backend = found["keras_backend"]
    if backend in ("tensorflow", "jax", "torch"):  # the backend's own version (its package is importable here)
        found[backend] = importlib.import_module(backend).__version__
    return found


def machine():
    return {
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpu_count": os.cpu_count(),
    }


def doctor():
    """Print what the series runs on and whether MNIST is ready; return 1 if something is wrong."""
    backend = backend_problem()  # before importing Keras, which that problem would crash
    found = versions(with_keras=backend is None)
    for name, value in {**found, **machine()}.items():
        print(f"{name:>14}: {value}")
    problems = [problem for problem in (python_problem(found["python"]), backend) if problem]
    if "keras" in found and not found["keras"].startswith("3."):
        problems.append("Keras 3 is required: `pip install -r requirements.txt`.")
    try:
        path = find_mnist()
        if path is None:
            problems.append(
                f"MNIST is not downloaded yet (looked at ${ENV_VAR} and {keras_cache_path()}). "
                f"Run `python -m mnist_helpers fetch`, or set {ENV_VAR} to a copy of mnist.npz."
            )
        else:
            start = time.perf_counter()
            read_verified(path)
            print(f"{'mnist':>14}: {path} (verified in {time.perf_counter() - start:.2f} s)")
    except MnistDataError as error:
        problems.append(str(error))
    for problem in problems:
        print(f"\nPROBLEM: {problem}")
    print("\nAll is well." if not problems else f"\n{len(problems)} problem(s) to fix.")
    return 1 if problems else 0


def fetch():
    """Make sure a verified MNIST is on disk before going offline; return 1 if it cannot be."""
    try:
        path = find_mnist()
        if path is not None:
            read_verified(path)
            print(f"MNIST is already here and verified: {path}")
            return 0
        print(f"Downloading MNIST into {keras_cache_path()} ...")
        print(f"Done, verified: {download_to_cache()}")
        return 0
    except MnistDataError as error:
        print(f"ERROR: {error}")
        return 1
