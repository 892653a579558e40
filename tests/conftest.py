"""Shared fixtures. The real MNIST file is found the way users find it ($MNIST_NPZ or the
Keras cache); tests that need it skip, saying why, on a machine that has neither."""

import numpy as np
import pytest

from mnist_helpers.data import EXPECTED_ARRAYS, MnistDataError, find_mnist


@pytest.fixture(scope="session")
def mnist_path():
    try:
        path = find_mnist()
    except MnistDataError as error:
        pytest.skip(str(error))
    if path is None:
        pytest.skip("MNIST is not on this machine: set MNIST_NPZ or run `python -m mnist_helpers fetch`")
    return path


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    """An empty Keras cache and no $MNIST_NPZ, so nothing on the machine leaks into a test."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    return tmp_path / "keras_home" / "datasets"


def right_shapes(**overrides):
    """Arrays with MNIST's keys, shapes and dtypes, all zeros (so their checksums are wrong)."""
    arrays = {key: np.zeros(shape, dtype=np.uint8) for key, (shape, _) in EXPECTED_ARRAYS.items()}
    arrays.update(overrides)
    return arrays
