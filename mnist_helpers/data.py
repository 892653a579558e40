"""Find, download and verify MNIST; the dense-network preprocessing as one function.

`load_mnist` is introduced in notebook 01; `shuffled` is notebook 02's shuffle before the split;
`prepare_dense` packages the three steps that notebook 02 writes out by hand.
"""

import errno
import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from mnist_helpers.layout import user_path

ENV_VAR = "MNIST_NPZ"  # path to an offline copy of mnist.npz; checked before the Keras cache
SPLIT_SEED = 42  # the seed of the series' one shuffle before the validation split (notebook 02)
ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
ORIGIN_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

# Checksums of each array's bytes: they hold for the official download and for any
# re-packed copy with the same pixels, so we verify content, not the zip container.
EXPECTED_ARRAYS = {
    "x_train": ((60000, 28, 28), "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757"),
    "y_train": ((60000,), "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13"),
    "x_test": ((10000, 28, 28), "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161"),
    "y_test": ((10000,), "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"),
}

FIX = (
    f"To fix it: delete the file and run `python -m mnist_helpers fetch` on a machine with "
    f"internet, or set {ENV_VAR} to the path of a good copy of mnist.npz."
)


class MnistDataError(RuntimeError):
    """MNIST could not be found, downloaded or verified; the message says what to do."""


def keras_home():
    """Keras's own folder: $KERAS_HOME, else ~/.keras."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))


def keras_cache_path():
    """Where `keras.datasets.mnist.load_data()` keeps its copy: $KERAS_HOME/datasets/mnist.npz."""
    return keras_home() / "datasets" / "mnist.npz"


def find_mnist(path=None):
    """The local file `load_mnist` would read, or None when it would have to download.

    A path the caller gives, or one in $MNIST_NPZ, must exist: a typo there is an error,
    not a reason to download 11 MB.
    """
    for given, source in ((path, "the path you passed"), (os.environ.get(ENV_VAR), f"${ENV_VAR}")):
        if given:
            given = user_path(given)
            if not given.is_file():
                raise MnistDataError(
                    f"MNIST file not found: {given} (from {source}). Check the path, or unset "
                    f"{ENV_VAR} to use the Keras cache ({keras_cache_path()}) and download there."
                )
            return given
    cached = keras_cache_path()
    return cached if cached.is_file() else None


def read_verified(path):
    """Read mnist.npz without unpickling and check every array's shape, dtype and checksum."""
    __tracebackhide__ = True  # IPython shows our message, not numpy's internals
    path = Path(path)
    try:
        with path.open("rb"):  # zipfile.is_zipfile says False for a file it cannot open
            pass
    except OSError as error:
        raise MnistDataError(_explain_unreadable(path, error)) from None
    if not zipfile.is_zipfile(path):
        raise MnistDataError(
            f"{path} is not an .npz (zip) archive: it is truncated, an HTML error page saved "
            f"by a proxy, or another file. {FIX}"
        )
    arrays = {}
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = sorted(set(EXPECTED_ARRAYS) - set(npz.files))
            if missing:
                raise MnistDataError(
                    f"{path} lacks the arrays {', '.join(missing)} (it holds {', '.join(npz.files) or 'none'}): "
                    f"it is not the MNIST file. {FIX}"
                )
            for key in EXPECTED_ARRAYS:
                arrays[key] = npz[key]
    except MnistDataError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise MnistDataError(f"{path} is damaged and cannot be read ({error}). {FIX}") from None
    for key, (shape, _) in EXPECTED_ARRAYS.items():
        array = arrays[key]
        if array.shape != shape or array.dtype != np.uint8:
            raise MnistDataError(
                f"{path}: array {key} is {array.dtype} {array.shape}, expected uint8 {shape}. {FIX}"
            )
    for key, (_, sha256) in EXPECTED_ARRAYS.items():
        if hashlib.sha256(arrays[key].tobytes()).hexdigest() != sha256:
            raise MnistDataError(
                f"{path}: array {key} does not match the official MNIST checksum (the file was "
                f"altered or corrupted). {FIX}"
            )
    return arrays


def _explain_unreadable(path, error):
    if error.errno in (errno.EACCES, errno.EPERM):
        return (
            f"{path} cannot be read: permission denied. The file itself may be fine: make it readable "
            f"(`chmod a+r {path}`, or ask its owner), or set {ENV_VAR} to a copy you can read."
        )
    return f"{path} cannot be read ({error.strerror or error}). Check it, or set {ENV_VAR} to a copy you can read."


def download_to_cache():
    """Download the official mnist.npz through Keras, verify it, then move it into the cache.

    The download lands in a temporary folder next to the cache, so an interrupted or failed
    download never leaves a file that a later run would trust.
    """
    __tracebackhide__ = True
    import keras

    target = keras_cache_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = tempfile.TemporaryDirectory(dir=target.parent, prefix=".mnist-download-")
    except OSError as error:
        raise MnistDataError(
            f"Cannot write into the Keras cache folder {target.parent} ({error.strerror or error}). "
            f"Point KERAS_HOME at a folder you can write, e.g. `export KERAS_HOME=$HOME/keras-home` "
            f"(the download goes to its datasets/ folder), or set {ENV_VAR} to a copy of mnist.npz."
        ) from None
    with staging as tmp:
        try:
            downloaded = keras.utils.get_file(
                "mnist.npz", origin=ORIGIN, file_hash=ORIGIN_SHA256, cache_dir=tmp, cache_subdir="."
            )
        except (Exception, KeyboardInterrupt) as error:
            raise MnistDataError(_explain_download_failure(error, target)) from None
        read_verified(downloaded)
        os.replace(downloaded, target)
    return target


def _explain_download_failure(error, target):
    reason = f"{type(error).__name__}: {error}"
    text = reason.lower()
    if "certificate" in text or "ssl" in text:
        cause = "The TLS (HTTPS) check failed: a proxy or firewall may be inspecting traffic."
        hint = "Ask for your network's CA bundle and set SSL_CERT_FILE to it"
    elif "proxy" in text or "407" in text:
        cause = "A proxy refused the connection."
        hint = "Set HTTPS_PROXY (e.g. http://user:pass@proxy:8080)"
    elif "hash" in text or "corrupt" in text or "incomplete" in text:
        cause = "The downloaded file was incomplete or altered, so it was discarded."
        hint = "Try again"
    else:
        cause = "The machine looks offline, or the server could not be reached."
        hint = "Check the connection"
    return (
        f"Could not download MNIST from {ORIGIN} to {target}. {cause} ({reason}) "
        f"{hint}; or, on a machine with internet, download that URL and set {ENV_VAR} to the "
        f"file's path here (or copy it to {target}). Nothing was left in the cache."
    )


def load_mnist(path=None, download=True):
    """Return ((x_train, y_train), (x_test, y_test)) exactly as keras.datasets.mnist.load_data().

    Looks at `path`, then $MNIST_NPZ, then the Keras cache, and only then downloads. Every
    array is verified against the official checksums. Introduced in notebook 01.
    """
    __tracebackhide__ = True
    found = find_mnist(path)
    if found is None:
        if not download:
            raise MnistDataError(
                f"MNIST is not in the Keras cache ({keras_cache_path()}) and {ENV_VAR} is not set. "
                f"Run `python -m mnist_helpers fetch`, or set {ENV_VAR} to a copy of mnist.npz."
            )
        found = download_to_cache()
    arrays = read_verified(found)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def shuffled(images, labels, seed=SPLIT_SEED):
    """The training set in the series' one fixed random order: notebook 02's shuffle before the split.

    Every notebook from 03 on shuffles with this seed, so `validation_split=0.1` (the last 10 %)
    holds out the same 6,000 random digits everywhere, whatever seed the training itself uses.
    """
    order = np.random.default_rng(seed).permutation(len(labels))
    return images[order], labels[order]


def prepare_dense(images, labels, num_classes=10):
    """Flatten 28x28 to 784, scale to float32 in [0, 1], one-hot the labels (notebook 02)."""
    import keras

    x = images.reshape(len(images), -1).astype("float32") / 255.0
    y = keras.utils.to_categorical(labels, num_classes)
    return x, y

