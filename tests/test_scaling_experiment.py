"""Notebook 02's scaling-experiment helpers: `train` returns what its docstring says, its loss before training
included, and the table prints every run."""

import numpy as np

import mnist_helpers  # noqa: F401  (before keras: quiets TensorFlow's start-up)
from mnist_helpers.scaling_experiment import print_results, span, train


def build_network(seed):  # notebook 02's network, as its lesson cell builds it
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def digits(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    return x, y


def test_train_returns_the_documented_dict_and_the_loss_before_training():
    (x, y), (x_val, y_val) = digits(96, 0), digits(32, 1)
    before = build_network(7).predict(x, verbose=0)  # the same starting weights as the network trained below
    run = train(build_network(7), x, y, x_val, y_val, 7, 2)
    assert set(run) == {"loss", "val_accuracy", "val_loss", "model"}
    assert len(run["loss"]) == 3 and len(run["val_accuracy"]) == len(run["val_loss"]) == 2  # epoch 0, then each
    expected_loss = np.mean(-np.log(np.sum(before * y, axis=1)))
    assert abs(run["loss"][0] - expected_loss) < 1e-3
    assert run["model"].count_params() == 784 * 128 + 128 + 128 * 10 + 10


def test_the_same_seeds_train_the_same_network():
    (x, y), (x_val, y_val) = digits(64, 2), digits(16, 3)
    first = train(build_network(5), x, y, x_val, y_val, 5, 1)
    again = train(build_network(5), x, y, x_val, y_val, 5, 1)
    np.testing.assert_allclose(first["loss"], again["loss"], rtol=1e-5)


def test_span_and_the_printed_table(capsys):
    assert span([0.4543, 0.255, 0.3]) == "25.5% to 45.4%"
    assert span([149.94, 197.03], "6.2f") == "149.94 to 197.03"
    (x, y), (x_val, y_val) = digits(64, 4), digits(16, 5)
    runs = {(name, seed): train(build_network(seed), scale * x, y, scale * x_val, y_val, seed, 1)
            for name, scale in [("raw 0-255", 255), ("scaled 0-1", 1)] for seed in (1,)}
    before = {("raw 0-255", 1): (0.5, 0.125), ("scaled 0-1", 1): (0.0, 0.125)}  # (sure, right), as the notebook's
    print_results(runs, before)
    out = capsys.readouterr().out
    assert "50.0% to 50.0%" in out and "12.5% to 12.5%" in out  # the before-training columns come from `before`
    assert "network: 784 inputs -> 128 relu units -> 10 softmax outputs, biases starting at 0; 101,770 weights" in out
    assert "training: batches of 64, SGD's default learning rate 0.01, Keras backend " in out
    assert "after 1 epochs:" in out
    for name in ("raw 0-255", "scaled 0-1"):
        assert any(line.startswith(name) for line in out.splitlines())
        assert f"  {name:10}  seed 1: " in out


def test_template_accuracy_fits_on_the_first_90_percent_and_scores_the_rest():
    from mnist_helpers.scaling_experiment import template_accuracy

    x = np.array([[0.0], [0.1], [1.0], [1.1], [0.05], [1.05], [0.0], [1.0], [0.1], [0.9]], dtype=np.float32)
    y = np.array([0, 0, 1, 1, 0, 1, 0, 1, 0, 1])
    assert template_accuracy(x, y, np.arange(10)) == 1.0  # the held-out row, a 1 at 0.9, is nearest the 1s' mean
    y_wrong = y.copy()
    y_wrong[9] = 2  # a class the first 90 % never saw: never read right
    assert template_accuracy(x, y_wrong, np.arange(10)) == 0.0
