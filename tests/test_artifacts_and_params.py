"""Run folders, atomic artefacts, and parameter checks."""

import errno
import json
import os
from pathlib import Path

import keras
import numpy as np
import pytest

import mnist_helpers as mh

from mnist_helpers import ArtifactError, ParameterError
from mnist_helpers.params import check_choice, check_number, check_parameters, check_path, read_declaration
from mnist_helpers.artifacts import load_model, read_json, run_folder, save_model, write_json


def tiny_model(input_shape=(4,), outputs=3):
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(input_shape), keras.layers.Flatten(),
                             keras.layers.Dense(outputs, activation="softmax")])


def test_model_round_trip(tmp_path):
    model = tiny_model((784,), 10)  # the shapes of 05's dense network, which model.keras must be
    path = save_model(model, tmp_path / "model.keras")
    loaded = load_model(path)
    x = np.ones((2, 784), dtype="float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"], "no temporary file left"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask, "the umask's ordinary mode, not mkstemp's private one"


def test_failed_save_keeps_the_previous_artefact(tmp_path):
    path = save_model(tiny_model(), tmp_path / "model.keras")
    before = path.read_bytes()

    class Exploding:
        def save(self, filepath):
            Path(filepath).write_bytes(b"half a model")
            raise KeyboardInterrupt  # the run is killed halfway through writing

    with pytest.raises(KeyboardInterrupt):
        save_model(Exploding(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]


def test_missing_model_says_which_notebook_makes_it(tmp_path):
    with pytest.raises(ArtifactError, match="run 05_training.ipynb with the same RUN_DIR first"):
        load_model(tmp_path / "model.keras")


def test_corrupt_model_is_reported(tmp_path):
    (tmp_path / "model.keras").write_bytes(b"garbage")
    with pytest.raises(ArtifactError, match="not a loadable Keras model"):
        load_model(tmp_path / "model.keras")


def test_model_files_must_end_in_keras(tmp_path):
    with pytest.raises(ArtifactError, match=".keras"):
        save_model(tiny_model(), tmp_path / "model.h5")


def test_json_round_trip(tmp_path):
    write_json(tmp_path / "metrics.json", {"test_accuracy": 0.99, "errors": 100})
    assert read_json(tmp_path / "metrics.json") == {"test_accuracy": 0.99, "errors": 100}


def test_run_folder_created_and_unusable_one_reported(tmp_path):
    assert run_folder(tmp_path / "runs" / "a").is_dir()
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ArtifactError, match="Cannot use .* as the run folder"):
        run_folder(tmp_path / "a-file" / "run")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "EPOCHS must be an integer >= 1, got 0"),
        (-1, "EPOCHS must be an integer >= 1, got -1"),
        (2.5, "EPOCHS must be an integer, got 2.5"),
        ("ten", "EPOCHS must be an integer, got 'ten'"),
        (True, "EPOCHS must be an integer, got True"),
        (1000, "EPOCHS must be an integer <= 200, got 1000"),
    ],
)
def test_check_number_rejects_with_a_clear_message(value, message):
    with pytest.raises(ParameterError) as caught:
        check_number("EPOCHS", value, minimum=1, maximum=200, integer=True)
    assert str(caught.value) == message


def test_check_number_accepts_in_range_values():
    check_number("EPOCHS", 5, minimum=1, integer=True)
    check_number("VALIDATION_SPLIT", 0.1, minimum=0.0, maximum=0.5)
    check_number("LEARNING_RATE", 1, minimum=0)  # an int is a fine float
    check_number("EPOCHS", 1, minimum=1, maximum=1, integer=True)  # bounds are inclusive


def test_check_path(tmp_path):
    (tmp_path / "mnist.npz").write_text("")
    check_path("DATA_PATH", "")  # empty: the loader searches
    check_path("DATA_PATH", str(tmp_path / "mnist.npz"))
    with pytest.raises(ParameterError, match="DATA_PATH names no file: 'nope.npz'"):
        check_path("DATA_PATH", "nope.npz")
    with pytest.raises(ParameterError, match="DATA_PATH must be a path in quotes, got 3"):
        check_path("DATA_PATH", 3)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_check_number_refuses_nan_and_infinity_naming_the_parameter(value):
    with pytest.raises(ParameterError, match="VALIDATION_SPLIT must be a finite number"):
        check_number("VALIDATION_SPLIT", value, minimum=0.05, maximum=0.5)


def test_save_model_creates_its_folder(tmp_path):
    path = save_model(tiny_model(), tmp_path / "new" / "deeper" / "model.keras")
    assert [p.name for p in path.parent.iterdir()] == ["model.keras"]


def test_save_model_names_a_folder_it_cannot_make(tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ArtifactError) as caught:
        save_model(tiny_model(), tmp_path / "a-file" / "model.keras")
    message = str(caught.value)
    assert message.startswith(f"Cannot write model.keras into {tmp_path / 'a-file'} (")
    assert "RUN_DIR" in message and ".model-" not in message, "the folder, never the hidden temporary file"


def test_save_model_into_a_read_only_folder_says_permission(tmp_path, monkeypatch):
    """Injected, since root ignores file permissions."""
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".model-x.keras"))

    monkeypatch.setattr(mh.artifacts.tempfile, "mkstemp", denied)
    with pytest.raises(ArtifactError, match=f"Cannot write model.keras into {tmp_path} \\(Permission denied\\)"):
        save_model(tiny_model(), tmp_path / "model.keras")


def test_check_choice_names_the_choices():
    check_choice("SCHEDULE", "constant", ("warmup-cosine", "constant"))
    with pytest.raises(ParameterError, match="SCHEDULE must be one of 'warmup-cosine', 'constant', got 'cosine'"):
        check_choice("SCHEDULE", "cosine", ("warmup-cosine", "constant"))


# --- Every artefact is checked for what it is -----------------------------------------------------

METRICS = json.dumps({"test_accuracy": 0.9905, "default_parameters": True}, indent=2)
DAMAGED = {  # what a killed run, a bad copy or a wrong drag-and-drop leaves behind
    "empty": (b"", "is empty"),
    "truncated": (METRICS[: len(METRICS) // 2].encode(), "is truncated or not JSON"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\xff\xfe", "holds binary data, not JSON"),
    "not an object": (b"[0.99, true]", "is JSON but not the object the series writes"),
}


@pytest.mark.parametrize("damage", DAMAGED, ids=list(DAMAGED))
def test_a_damaged_metrics_file_names_itself_and_the_notebook_that_writes_it(tmp_path, damage):
    content, problem = DAMAGED[damage]
    path = tmp_path / "05_training.metrics.json"
    path.write_bytes(content)
    for read in (lambda: read_json(path), lambda: mh.made_with_defaults(tmp_path, "model.keras")):  # 06 and 08 ask
        with pytest.raises(ArtifactError) as caught:
            read()
        assert str(caught.value).startswith(f"{path} {problem}")
        assert str(caught.value).endswith("delete it and re-run 05_training.ipynb with the same RUN_DIR, which "
                                          "writes it again.")


def test_a_folder_where_a_json_artefact_should_be_is_named_never_deleted(tmp_path):
    path = tmp_path / "07_convolutions.metrics.json"
    (path / "keep-me").mkdir(parents=True)
    for read in (lambda: read_json(path), lambda: mh.made_with_defaults(tmp_path, "cnn.keras")):
        with pytest.raises(ArtifactError, match=f"^{path} is a folder, not a JSON file: move it out of the way "
                                                f"and re-run 07_convolutions.ipynb with the same RUN_DIR"):
            read()


@pytest.mark.parametrize(("name", "maker"), [("history.json", "05_training.ipynb"),
                                             ("07_convolutions.metrics.json", "07_convolutions.ipynb"),
                                             ("06_error_analysis.metrics.json", "06_error_analysis.ipynb")])
def test_each_run_folder_artefact_names_its_own_maker(tmp_path, name, maker):
    (tmp_path / name).write_text('{"loss": [0.3, 0.2')
    with pytest.raises(ArtifactError, match=f"re-run {maker} with the same RUN_DIR"):
        read_json(tmp_path / name)
    with pytest.raises(ArtifactError, match=f"^{tmp_path / 'missing' / name} is missing: run {maker} with the same "):
        read_json(tmp_path / "missing" / name)


def test_a_json_file_the_series_does_not_know_is_still_named(tmp_path):
    (tmp_path / "notes.json").write_text("{")
    with pytest.raises(ArtifactError, match=f"^{tmp_path / 'notes.json'} is truncated or not JSON .*: delete it and "
                                            f"write it again.$"):
        read_json(tmp_path / "notes.json")
    with pytest.raises(ArtifactError, match="is missing: check the path.$"):
        read_json(tmp_path / "nope.json")


def test_a_missing_metrics_file_means_not_the_defaults_not_an_error(tmp_path):
    assert mh.made_with_defaults(tmp_path, "model.keras") is False


def test_write_json_onto_a_folder_names_it_and_leaves_it_alone(tmp_path):
    path = tmp_path / "05_training.metrics.json"
    (path / "keep-me").mkdir(parents=True)
    with pytest.raises(ArtifactError, match=f"^{path} is a folder, so 05_training.metrics.json cannot be saved there"):
        write_json(path, {"test_accuracy": 0.99})
    assert [p.name for p in tmp_path.iterdir()] == [path.name], "no temporary file left"
    assert [p.name for p in path.iterdir()] == ["keep-me"]


def test_save_model_onto_a_folder_fails_before_saving(tmp_path):
    class Unsaved:
        def save(self, filepath):
            raise AssertionError("saved anyway")

    (tmp_path / "model.keras").mkdir()
    with pytest.raises(ArtifactError, match=f"^{tmp_path / 'model.keras'} is a folder, so model.keras cannot"):
        save_model(Unsaved(), tmp_path / "model.keras")


def test_run_folder_reports_a_folder_where_an_artefact_goes(tmp_path):
    (tmp_path / "history.json").mkdir()
    with pytest.raises(ArtifactError, match=f"{tmp_path / 'history.json'} is a folder"):
        run_folder(tmp_path)


def test_ensure_model_onto_a_folder_fails_at_once_without_training(tmp_path, monkeypatch):
    import time

    import mnist_helpers.series.kernels as kernels

    monkeypatch.setattr(kernels, "execute_notebook", lambda *args, **kwargs: pytest.fail("it trained"))
    (tmp_path / "model.keras").mkdir()
    start = time.perf_counter()
    with pytest.raises(ArtifactError, match=f"^{tmp_path / 'model.keras'} is a folder, so model.keras cannot be "
                                            f"saved there"):
        mh.ensure_model(tmp_path, "model.keras")
    assert time.perf_counter() - start < 0.5


def test_ensure_model_without_its_maker_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a learner's copy: no 05 beside it, and none in the repository either
    monkeypatch.setattr(mh.layout, "NOTEBOOKS", tmp_path / "not-installed")
    with pytest.raises(ArtifactError, match="no 05_training.ipynb beside this notebook to make it: put "
                                            "05_training.ipynb beside it, or run it with the same RUN_DIR first"):
        mh.ensure_model(tmp_path / "run", "model.keras")
    with pytest.raises(ArtifactError, match="ensure_model makes model.keras and cnn.keras, not mlp.keras"):
        mh.ensure_model(tmp_path / "run", "mlp.keras")


def tiny_cnn():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3), keras.layers.Flatten(),
                             keras.layers.Dense(10, activation="softmax")])


def test_model_keras_holding_the_cnn_says_so_and_what_to_do(tmp_path):
    save_model(tiny_cnn(), tmp_path / "model.keras")
    with pytest.raises(ArtifactError) as caught:
        load_model(tmp_path / "model.keras")
    assert str(caught.value) == (
        f"{tmp_path / 'model.keras'} holds 07_convolutions.ipynb's CNN (input (None, 28, 28, 1)), which belongs in "
        f"cnn.keras, not 05_training.ipynb's dense network (input (None, 784), output (None, 10)): move it aside or "
        f"delete it and re-run 05_training.ipynb with the same RUN_DIR, which writes it again.")


def test_cnn_keras_holding_the_dense_network_says_so(tmp_path):
    save_model(tiny_model((784,), 10), tmp_path / "cnn.keras")
    with pytest.raises(ArtifactError, match=r"holds 05_training.ipynb's dense network \(input \(None, 784\)\), which "
                                            r"belongs in model.keras, not 07_convolutions.ipynb's CNN"):
        load_model(tmp_path / "cnn.keras")
    assert load_model(save_model(tiny_cnn(), tmp_path / "cnn.keras")).output_shape == (None, 10), "the right one loads"


def test_a_model_of_another_shape_is_named_by_its_shapes(tmp_path):
    save_model(tiny_model((784,), 5), tmp_path / "model.keras")  # five digits' worth of outputs
    with pytest.raises(ArtifactError, match=r"holds a model with input shape \(None, 784\) and output shape "
                                            r"\(None, 5\), not 05_training.ipynb's dense network"):
        load_model(tmp_path / "model.keras")
    save_model(tiny_model((4,), 3), tmp_path / "mine.keras")
    assert load_model(tmp_path / "mine.keras").output_shape == (None, 3), "a file the series does not know: as it is"


def test_a_zip_or_a_truncated_model_is_not_a_loadable_model(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "model.keras", "w") as archive:
        archive.writestr("notes.txt", "not a model")
    with pytest.raises(ArtifactError, match=r"model.keras exists but is not a loadable Keras model \(KeyError: .*\): "
                                            r"delete it and re-run 05_training.ipynb"):
        load_model(tmp_path / "model.keras")
    whole = save_model(tiny_cnn(), tmp_path / "cnn.keras").read_bytes()
    (tmp_path / "cnn.keras").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ArtifactError, match="cnn.keras exists but is not a loadable Keras model .*07_convolutions"):
        load_model(tmp_path / "cnn.keras")


def test_load_model_from_a_folder_says_it_is_a_folder(tmp_path):
    (tmp_path / "cnn.keras").mkdir()
    with pytest.raises(ArtifactError, match="cnn.keras is a folder, not a model: move it out of the way and re-run "
                                            "07_convolutions.ipynb"):
        load_model(tmp_path / "cnn.keras")


# --- The measured figures travel with the package ------------------------------------------------

def test_the_measured_figures_ship_as_package_data_and_read_through_the_constant():
    import tomllib

    from mnist_helpers.layout import MEASURED, ROOT

    assert mh.MEASURED == MEASURED and MEASURED.parent == Path(mh.__file__).parent, "inside the package, not docs/"
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = {path for pattern in patterns["mnist_helpers"] for path in MEASURED.parent.glob(pattern)}
    assert MEASURED / "ablations.json" in shipped
    assert "final recipe" in read_json(mh.MEASURED / "ablations.json")["variants"]


def test_a_damaged_measured_file_says_to_reinstall(tmp_path, monkeypatch):
    monkeypatch.setattr(mh.artifacts, "MEASURED", tmp_path)
    (tmp_path / "ablations.json").write_text("")
    with pytest.raises(ArtifactError, match="ablations.json is empty: it ships with mnist_helpers, so reinstall"):
        read_json(tmp_path / "ablations.json")


def test_no_notebook_reads_the_repositorys_docs_folder():
    """docs/ is not there in a learner's copy installed without -e; the notebooks read mh.MEASURED."""
    import nbformat

    from mnist_helpers.layout import NOTEBOOK_PATTERN, NOTEBOOKS

    assert not hasattr(mh, "DOCS")
    for notebook in sorted(NOTEBOOKS.glob(NOTEBOOK_PATTERN)):
        code = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code")
        assert "DOCS" not in code and "docs/" not in code and "ROOT" not in code, notebook.name


# --- The parameters cell is the one declaration -------------------------------------------------

DECLARATION = '''SEED = 42  # seed (0 or more)
DATA_PATH = ""  # path to mnist.npz; empty: look elsewhere (a file, or "")
RUN_DIR = "../runs/notebooks"  # where artefacts go (a folder)
EPOCHS = 20  # passes over the data (1 to 200)
RATE = 0.002  # peak learning rate (0.00001 to 0.1)
SCHEDULE = "warmup-cosine"  # the rate over time: "warmup-cosine", or "constant" ("warmup-cosine" or "constant")
'''


def test_the_declaration_gives_each_parameter_its_default_and_range():
    declared = read_declaration(DECLARATION)
    assert declared == {"SEED": (42, "0 or more"), "DATA_PATH": ("", 'a file, or ""'), "RUN_DIR": (
        "../runs/notebooks", "a folder"), "EPOCHS": (20, "1 to 200"), "RATE": (0.002, "0.00001 to 0.1"),
        "SCHEDULE": ("warmup-cosine", '"warmup-cosine" or "constant"')}


@pytest.mark.parametrize(("name", "value", "message"), [
    ("SEED", -1, "SEED must be an integer >= 0, got -1"),
    ("SEED", 1.5, "SEED must be an integer, got 1.5"),
    ("EPOCHS", 0, "EPOCHS must be an integer >= 1, got 0"),
    ("EPOCHS", "ten", "EPOCHS must be an integer, got 'ten'"),
    ("EPOCHS", True, "EPOCHS must be an integer, got True"),
    ("RATE", 1, "RATE must be a number <= 0.1, got 1"),
    ("RATE", float("nan"), "RATE must be a finite number, got nan"),
    ("SCHEDULE", "cosine", "SCHEDULE must be one of 'warmup-cosine', 'constant', got 'cosine'"),
    ("DATA_PATH", "no/such/file.npz", "DATA_PATH names no file: 'no/such/file.npz'"),
    ("RUN_DIR", "", "RUN_DIR must be a folder's path in quotes, got ''"),
    ("RUN_DIR", 3, "RUN_DIR must be a folder's path in quotes, got 3"),
])
def test_check_parameters_reads_the_notebook_and_names_what_is_wrong(tmp_path, monkeypatch, name, value, message):
    notebook = tmp_path / "05_x.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]},
                                               "source": DECLARATION}]}))
    monkeypatch.chdir(tmp_path)
    values = {name: default for name, (default, _) in read_declaration(DECLARATION).items()}
    assert check_parameters("05_x.ipynb", values) is True
    assert check_parameters("05_x.ipynb", {**values, "RUN_DIR": "elsewhere"}) is True, "where artefacts go: no figure"
    assert check_parameters("05_x.ipynb", {**values, "EPOCHS": 2, "RATE": 1e-3}) is False
    with pytest.raises(ParameterError) as raised:
        check_parameters("05_x.ipynb", {**values, name: value})
    assert str(raised.value).startswith(f"05_x.ipynb: {message}")


def test_a_notebook_away_from_its_file_says_its_ranges_go_unchecked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert check_parameters("05_x.ipynb", {"EPOCHS": 0}) is False
    assert "Cannot find 05_x.ipynb" in capsys.readouterr().out


def test_every_notebook_declares_a_range_for_each_parameter():
    from mnist_helpers.layout import NOTEBOOK_PATTERN, NOTEBOOKS
    from mnist_helpers.params import parameters_cell

    for notebook in sorted(NOTEBOOKS.glob(NOTEBOOK_PATTERN)):
        assert read_declaration(parameters_cell(notebook), where=notebook.name), notebook.name


@pytest.mark.parametrize("recorded, held_out", [
    ({"train_samples": 1000, "validation_split": 0.1}, slice(900, 1000)),
    ({"train_samples": 3000, "validation_split": 0.25}, slice(2250, 3000)),
    ({}, slice(54000, 60000)),  # a run folder from before 05 recorded them: its defaults
], ids=["1000 digits", "another share", "older run folder"])
def test_validation_digits_are_the_ones_05_held_out(tmp_path, mnist_path, recorded, held_out):
    mh.write_json(tmp_path / "05_training.metrics.json", {"test_accuracy": 0.98, **recorded})
    images, labels = mh.validation_digits(tmp_path, mnist_path)
    (train_images, train_labels), _ = mh.load_mnist(mnist_path)
    order_images, order_labels = mh.shuffled(train_images, train_labels)
    assert np.array_equal(images, order_images[held_out]) and np.array_equal(labels, order_labels[held_out])
