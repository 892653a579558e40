"""The recipes the benchmark trains: two published peers, and the series' own notebooks 05 and 07.

Each recipe is a function (seed, data, run_dir) -> {"test_accuracy", "fit_seconds", "train_flops"}.
"""

import itertools
import time
from pathlib import Path

import keras
from keras import layers

import mnist_helpers as mh
from benchmarks.flops import training_flops
from mnist_helpers.layout import NOTEBOOKS
from mnist_helpers.series.kernels import execute_notebook
from mnist_helpers.series.parameters import default_values


def timed_fit(model, data, epochs, **compile_args):
    """Compile, fit with batch 128 and validation_split=0.1, time the fit, return the figures.

    The published recipes hold out MNIST's own last 6,000 digits, as they were written: only their test
    accuracy is reported, and the split decides nothing here."""
    (x_train, y_train), (x_test, y_test) = data
    model.compile(loss="categorical_crossentropy", metrics=["accuracy"], **compile_args)
    start = time.perf_counter()
    model.fit(x_train, y_train, batch_size=128, epochs=epochs, validation_split=0.1, verbose=0)
    seconds = time.perf_counter() - start
    return {"test_accuracy": float(model.evaluate(x_test, y_test, verbose=0)[1]), "fit_seconds": seconds,
            "train_flops": training_flops(model, epochs)}


def classic_mlp(seed, data, run_dir):
    """The recipe people copy: Keras's examples/mnist_mlp.py (upstream reports 98.40 %), with
    validation_split=0.1 where the original validates on the test set."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((784,)),
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ])
    return timed_fit(model, data, epochs=20, optimizer=keras.optimizers.RMSprop())


def keras_io_convnet(seed, data, run_dir):
    """keras-io examples/vision/mnist_convnet.py, as published."""
    keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = data
    images = ((x_train.reshape(-1, 28, 28, 1), y_train), (x_test.reshape(-1, 28, 28, 1), y_test))
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    return timed_fit(model, images, epochs=15, optimizer="adam")


def default_seed():
    """The notebooks' default SEED (05's parameters cell)."""
    return default_values(NOTEBOOKS / "05_training.ipynb")["SEED"]


def seeds(count):
    """The notebooks' default seed, then 0, 1, 2, ... (skipping it): `count` seeds in all."""
    first = default_seed()
    others = (seed for seed in itertools.count() if seed != first)
    return [first, *itertools.islice(others, count - 1)]


def series_notebook(notebook, model_file, **side_parameters):
    """A series notebook with its default recipe; its own metrics JSON holds the figures.

    For the default seed, the whole-series run has already executed it in run_dir. For the
    others it runs alone, with `side_parameters` (parameters that leave its model as it is)."""
    def recipe(seed, data, run_dir):
        path = NOTEBOOKS / notebook
        if seed != default_seed():
            parameters = {"SEED": seed, "RUN_DIR": str(run_dir), **side_parameters}
            execute_notebook(path, Path(run_dir) / notebook, parameters)
        metrics = mh.read_json(Path(run_dir) / f"{path.stem}.metrics.json")
        # 05 may stop early and says how many epochs it ran; 07 always runs its EPOCHS
        epochs = metrics.get("epochs_run") or default_values(path)["EPOCHS"]
        model = mh.load_model(Path(run_dir) / model_file)
        return {"test_accuracy": metrics["test_accuracy"], "fit_seconds": metrics["fit_seconds"],
                "train_flops": training_flops(model, epochs)}
    return recipe


# In this order for each seed: 07 finds the model 05 saved in the seed's run folder.
RECIPES = {
    "classic MLP": classic_mlp,
    # 05's plain recipe cut to one epoch: the benchmark wants the regularised network, which
    # 05 trains after it, reseeded, so the plain recipe's length does not change it.
    "series MLP": series_notebook("05_training.ipynb", "model.keras", PLAIN_EPOCHS=1),
    "keras-io convnet": keras_io_convnet,
    # 07's side experiment (the permutation experiment) at its smallest, for the same reason.
    "series CNN": series_notebook("07_convolutions.ipynb", "cnn.keras", EXPERIMENT_SAMPLES=1000, EXPERIMENT_EPOCHS=1),
}
PEERS = {"series MLP": "classic MLP", "series CNN": "keras-io convnet"}  # whose fit time each is compared with
