"""The MNIST loader: where it looks, what it verifies, and how each bad file is reported."""

import errno
import functools
import hashlib
import http.server
import os
import shutil
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import right_shapes

from mnist_helpers import data
from mnist_helpers.data import (
    ENV_VAR,
    MnistDataError,
    find_mnist,
    load_mnist,
    prepare_dense,
    read_verified,
    shuffled,
)

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_real_file_loads_like_keras(mnist_path):
    (x_train, y_train), (x_test, y_test) = load_mnist(mnist_path)
    assert (x_train.shape, x_train.dtype) == ((60000, 28, 28), np.uint8)
    assert (y_train.shape, y_train.dtype) == ((60000,), np.uint8)
    assert (x_test.shape, y_test.shape) == ((10000, 28, 28), (10000,))
    assert np.bincount(y_train).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == TEST_COUNTS
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


def test_lookup_order_path_then_env_then_cache(tmp_path, isolated_cache, monkeypatch):
    assert find_mnist() is None  # nothing anywhere: load_mnist would download
    isolated_cache.mkdir(parents=True)
    cached = isolated_cache / "mnist.npz"
    cached.write_bytes(b"cache")
    assert find_mnist() == cached
    from_env = tmp_path / "env.npz"
    from_env.write_bytes(b"env")
    monkeypatch.setenv(ENV_VAR, str(from_env))
    assert find_mnist() == from_env
    given = tmp_path / "given.npz"
    given.write_bytes(b"given")
    assert find_mnist(given) == given


@pytest.mark.parametrize("source", ["argument", "environment"])
def test_missing_named_file_is_an_error_not_a_download(tmp_path, isolated_cache, monkeypatch, source):
    missing = tmp_path / "nowhere" / "mnist.npz"
    if source == "environment":
        monkeypatch.setenv(ENV_VAR, str(missing))
    with pytest.raises(MnistDataError, match="MNIST file not found") as caught:
        load_mnist(missing if source == "argument" else None)
    assert str(missing) in str(caught.value)


def save_npz(path, arrays):
    np.savez(path, **arrays)
    return path


def truncated(path, tmp_path):
    blob = path.read_bytes()
    cut = tmp_path / "truncated.npz"
    cut.write_bytes(blob[: len(blob) // 2])
    return cut


def flipped_byte(path, tmp_path):
    """A zip whose central directory is intact but whose compressed data is damaged."""
    blob = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        first = archive.infolist()[0]
    blob[first.header_offset + 200] ^= 0xFF
    broken = tmp_path / "flipped.npz"
    broken.write_bytes(bytes(blob))
    return broken


BAD_FILES = {
    "not a zip": (lambda tmp: _write(tmp / "page.npz", b"<html>proxy login</html>"), "not an .npz"),
    "empty": (lambda tmp: _write(tmp / "empty.npz", b""), "not an .npz"),
    "truncated": (lambda tmp: truncated(save_npz(tmp / "ok.npz", right_shapes()), tmp), "not an .npz"),
    "damaged inside": (
        lambda tmp: flipped_byte(_compressed(tmp / "c.npz", right_shapes()), tmp),
        "damaged",
    ),
    "missing keys": (lambda tmp: save_npz(tmp / "keys.npz", {"x_train": np.zeros(3)}), "lacks the arrays"),
    "wrong shape": (
        lambda tmp: save_npz(tmp / "shape.npz", right_shapes(x_test=np.zeros((10, 28, 28), np.uint8))),
        r"x_test is uint8 \(10, 28, 28\)",
    ),
    "wrong dtype": (
        lambda tmp: save_npz(tmp / "dtype.npz", right_shapes(y_train=np.zeros(60000, np.int64))),
        "y_train is int64",
    ),
    "checksum": (lambda tmp: save_npz(tmp / "zeros.npz", right_shapes()), "checksum"),
    "pickled objects": (
        lambda tmp: save_npz(tmp / "pickle.npz", right_shapes(x_train=np.array([{"a": 1}], dtype=object))),
        "damaged",
    ),
}


def _write(path, blob):
    path.write_bytes(blob)
    return path


def _compressed(path, arrays):
    np.savez_compressed(path, **arrays)
    return path


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_gives_one_clear_message(tmp_path, case):
    make, expected = BAD_FILES[case]
    path = make(tmp_path)
    with pytest.raises(MnistDataError, match=expected) as caught:
        load_mnist(path)
    message = str(caught.value)
    assert str(path) in message, "the message names the file"
    assert "fetch" in message and ENV_VAR in message, "the message says what to do"
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__), (
        "no chained zipfile/numpy traceback under the message"
    )


def test_one_changed_pixel_is_caught(mnist_path, tmp_path):
    with np.load(mnist_path) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays["x_test"] = arrays["x_test"].copy()
    arrays["x_test"][123, 14, 14] ^= 1
    with pytest.raises(MnistDataError, match="x_test does not match"):
        read_verified(save_npz(tmp_path / "one-pixel.npz", arrays))


class _Server:
    """A file server on the loopback interface, standing in for the download host."""

    def __init__(self, folder):
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        handler.log_message = lambda *args: None
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, name):
        return f"http://127.0.0.1:{self.httpd.server_port}/{name}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    served = _Server(folder)
    yield folder, served
    served.close()


def test_offline_download_fails_clearly_and_leaves_nothing(isolated_cache, monkeypatch):
    monkeypatch.setattr(data, "ORIGIN", "http://127.0.0.1:9/mnist.npz")  # nothing listens on port 9
    with pytest.raises(MnistDataError, match="offline") as caught:
        load_mnist()
    assert ENV_VAR in str(caught.value) and "127.0.0.1:9" in str(caught.value)
    assert list(isolated_cache.iterdir()) == []


def test_corrupt_download_is_discarded(isolated_cache, monkeypatch, server):
    folder, served = server
    (folder / "mnist.npz").write_bytes(b"not the file" * 1000)
    monkeypatch.setattr(data, "ORIGIN", served.url("mnist.npz"))
    with pytest.raises(MnistDataError, match="incomplete or altered"):
        load_mnist()
    assert list(isolated_cache.iterdir()) == []


def test_download_lands_verified_in_the_keras_cache(mnist_path, isolated_cache, monkeypatch, server):
    folder, served = server
    shutil.copyfile(mnist_path, folder / "mnist.npz")
    # The offline copy is re-packed (its container hash differs from Google's), so the test
    # expects this file's own hash; the array checksums stay the official ones.
    monkeypatch.setattr(data, "ORIGIN", served.url("mnist.npz"))
    monkeypatch.setattr(data, "ORIGIN_SHA256", hashlib.sha256((folder / "mnist.npz").read_bytes()).hexdigest())
    (x_train, _), _ = load_mnist()
    assert x_train.shape == (60000, 28, 28)
    assert os.listdir(isolated_cache) == ["mnist.npz"]
    assert find_mnist() == isolated_cache / "mnist.npz"


def test_download_false_never_downloads(isolated_cache):
    with pytest.raises(MnistDataError, match="fetch"):
        load_mnist(download=False)


def test_prepare_dense_flattens_scales_and_one_hots():
    images = np.arange(2 * 28 * 28, dtype=np.uint32).reshape(2, 28, 28) % 256
    images = images.astype(np.uint8)
    x, y = prepare_dense(images, np.array([3, 0], dtype=np.uint8))
    assert x.shape == (2, 784) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == 1.0
    assert x[0, 29] == pytest.approx(images[0, 1, 1] / 255)
    assert y.tolist() == [[0, 0, 0, 1, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]]


def test_shuffled_is_one_fixed_permutation_whatever_the_training_seed():
    images, labels = np.arange(100 * 4).reshape(100, 2, 2), np.arange(100) % 10
    x, y = shuffled(images, labels)
    np.random.seed(0)  # a training seed must not move the split
    x_again, y_again = shuffled(images, labels)
    assert np.array_equal(x, x_again) and np.array_equal(y, y_again)
    assert not np.array_equal(y, labels) and sorted(y.tolist()) == sorted(labels.tolist())  # reordered, nothing lost
    assert np.array_equal(x[:, 1, 1], x[:, 0, 0] + 3)  # each image stays whole
    assert np.array_equal(x[:, 0, 0] // 4 % 10, y)  # and keeps its own label


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (Exception("URL fetch failure: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "TLS"),
        (Exception("URL fetch failure: 407 Proxy Authentication Required"), "HTTPS_PROXY"),
        (Exception("URL fetch failure: None -- [Errno -2] Name or service not known"), "offline"),
        (ValueError("Incomplete or corrupted file detected."), "incomplete or altered"),
    ],
)
def test_each_download_failure_says_what_to_do(isolated_cache, monkeypatch, failure, expected):
    import keras

    def failing_get_file(*args, **kwargs):
        raise failure

    monkeypatch.setattr(keras.utils, "get_file", failing_get_file)
    with pytest.raises(MnistDataError, match=expected) as caught:
        load_mnist()
    assert ENV_VAR in str(caught.value) and "Nothing was left in the cache" in str(caught.value)
    assert list(isolated_cache.iterdir()) == []


def test_fetch_reports_a_failed_download(isolated_cache, monkeypatch, capsys):
    from mnist_helpers.doctor import fetch

    monkeypatch.setattr(data, "ORIGIN", "http://127.0.0.1:9/mnist.npz")
    assert fetch() == 1
    assert "ERROR: Could not download MNIST" in capsys.readouterr().out


def test_an_unreadable_file_is_not_called_corrupt(mnist_path, monkeypatch):
    """Permission denied (injected: root reads anything) is a permission problem, never a reason to delete."""
    real_open = Path.open

    def open_denied(self, *args, **kwargs):
        if self == mnist_path:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_denied)
    with pytest.raises(MnistDataError) as caught:
        read_verified(mnist_path)
    message = str(caught.value)
    assert message.startswith(f"{mnist_path} cannot be read: permission denied. The file itself may be fine")
    assert ENV_VAR in message and "chmod" in message
    assert "delete" not in message and "damaged" not in message and "not an .npz" not in message


def test_fetch_into_a_read_only_cache_says_where_to_point_keras_home(isolated_cache, monkeypatch, capsys):
    from mnist_helpers.doctor import fetch

    isolated_cache.mkdir(parents=True)

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(isolated_cache / ".mnist-download-x"))

    monkeypatch.setattr(data.tempfile, "TemporaryDirectory", denied)
    assert fetch() == 1
    out = capsys.readouterr().out
    assert f"Cannot write into the Keras cache folder {isolated_cache} (Permission denied)" in out
    assert "Point KERAS_HOME at a folder you can write" in out and "Traceback" not in out


def test_fetch_where_the_cache_cannot_be_made(tmp_path, monkeypatch, capsys):
    from mnist_helpers.doctor import fetch

    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "a-file"))
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert fetch() == 1
    assert f"Cannot write into the Keras cache folder {tmp_path / 'a-file' / 'datasets'}" in capsys.readouterr().out
