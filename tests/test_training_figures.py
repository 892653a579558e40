"""Notebook 05's helpers: the right-and-wrong split of the validation loss, its callback, and the figures."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mnist_helpers import training_figures  # noqa: E402


def test_right_and_wrong_loss_splits_the_cross_entropy():
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.0, 1.0]])
    labels = np.array([0, 1, 1, 0])  # right, right, wrong, wrong (with probability 0: clipped at 1e-7)
    right, wrong, n_wrong = training_figures.right_and_wrong_loss(probabilities, labels)
    assert n_wrong == 2
    assert np.isclose(right, -(np.log(0.9) + np.log(0.8)) / 2)
    assert np.isclose(wrong, -(np.log(0.4) + np.log(1e-7)) / 2)
    one_hot = np.eye(2)[labels]
    assert training_figures.right_and_wrong_loss(probabilities, one_hot) == (right, wrong, n_wrong)


def test_loss_split_reports_the_lowest_and_the_last_epoch_and_keeps_the_last_weights():
    import keras

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = keras.utils.to_categorical((x[:, 0] > 0).astype(int), 2)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="categorical_crossentropy")
    split = training_figures.loss_split(x, y)
    history = model.fit(x, y, validation_data=(x, y), epochs=4, batch_size=16, verbose=0, callbacks=[split]).history
    best = int(np.argmin(history["val_loss"])) + 1
    assert set(split.split) == {best, 4}
    for epoch, (right, wrong, n) in split.split.items():  # the split adds up to the loss fit reported
        mean = (right * (len(x) - n) + (wrong * n if n else 0)) / len(x)
        assert abs(mean - history["val_loss"][epoch - 1]) < 1e-4
    last = keras.ops.convert_to_numpy(model(x))
    assert np.isclose(-np.log(last[y.astype(bool)]).mean(), history["val_loss"][-1], atol=1e-4)


def test_the_figures_draw():
    curves = {seed: {"loss": list(np.linspace(1, 0.1, 5)), "val_loss": [0.9, 0.5, 0.4, 0.45, 0.5],
                     "accuracy": [0.5, 0.6, 0.7, 0.8, 0.9], "val_accuracy": [0.5, 0.6, 0.7, 0.7, 0.7]}
              for seed in (42, 0, 1)}
    runs = [{"seed": seed, "val_loss": [0.3, 0.2, 0.1]} for seed in (42, 0, 1)]
    valid = {name: [0.98, 0.985, 0.99] for name in training_figures.TICK_LABELS}
    figures = [training_figures.plot_small_and_full(curves, runs),
               training_figures.plot_plain_and_final(curves[42], curves[0], {}),
               training_figures.plot_ablation(valid, [42, 0, 1], 42, {"final recipe": 0.99, "plain recipe": 0.98})]
    try:
        for fig in figures:
            width, _ = fig.get_size_inches() * fig.dpi
            assert width <= 1100 and fig.axes
    finally:
        for fig in figures:
            plt.close(fig)


def test_print_loss_split_parts_add_up_to_the_loss(capsys):
    curves = {42: {"val_accuracy": [0.5, 0.6, 0.7]}}
    splits = {42: {1: (0.1, 2.0, 4), 3: (0.05, 3.0, 2)}}  # epoch: (right digits' mean loss, wrong ones', number wrong)
    rows = training_figures.print_loss_split(curves, splits, n_valid=10)
    assert [row["epoch"] for row in rows] == [1, 3]
    assert np.isclose(rows[0]["wrong_part"], 0.8) and np.isclose(rows[0]["right_part"], 0.06)
    assert np.isclose(rows[1]["val_loss"], 0.6 + 0.04) and np.isclose(rows[1]["typical_p"], np.exp(-3.0))
    out = capsys.readouterr().out
    assert "(+20.00)" in out  # the accuracy gained after the lowest-loss epoch
    assert "their mean log p" in out.splitlines()[0]  # the header says the log p is over the wrong digits
    assert "e.g. 4 / 10 × 2.00 = 0.800" in out  # the first row's wrong part, worked out
