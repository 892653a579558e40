"""The helpers behind notebook 02's experiments; only notebook 02 uses them: notebook 01's template matcher scored
on one split, and the bookkeeping of the scaling experiment (raw against scaled pixels).

The notebook builds and compiles the network itself (`build_network`); `train` fits it and records what the
lesson's table and figure show.
"""

import keras
import numpy as np

BATCH_SIZE = 64  # digits per training step


def template_accuracy(x, y, order):
    """Notebook 01's template matcher (nearest class mean) on one split: its class means are fitted on the first 90 %
    of the rows `order` lists, and it is scored on the last 10 % (the rows `validation_split=0.1` would hold out).
    `x` holds flat images, `y` integer labels. A digit absent from the first 90 % gets no mean, so it is never read."""
    split = int(0.9 * len(order))
    kept, held_out = order[:split], order[split:]
    classes = np.unique(y[kept])  # the digits the training part contains
    means = [x[kept[y[kept] == d]].mean(axis=0) for d in classes]
    distances = np.stack([np.linalg.norm(x[held_out] - mean, axis=1) for mean in means], axis=1)
    return float(np.mean(classes[distances.argmin(axis=1)] == y[held_out]))


def train(model, x, y, x_val, y_val, seed, epochs):
    """Train the compiled `model` on the digits `x` (one-hot labels `y`) for `epochs` passes in batches of
    BATCH_SIZE (64), scoring it on the validation digits `x_val` (one-hot labels `y_val`) after each pass.
    `seed` fixes the order of the batches.

    Returns a dict:
      "loss": the training loss before training (epoch 0), then each epoch's mean over its batches (Keras's
        running mean, taken while the weights change);
      "val_accuracy", "val_loss": on the validation digits, after each epoch;
      "model": the trained network.
    """
    keras.utils.set_random_seed(seed)  # the batch order
    loss_before, _ = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, batch_size=BATCH_SIZE, epochs=epochs, validation_data=(x_val, y_val), verbose=0)
    return {"loss": [loss_before] + history.history["loss"], "val_accuracy": history.history["val_accuracy"],
            "val_loss": history.history["val_loss"], "model": model}


def span(values, form=".1%"):
    """Lowest to highest of `values` (one per seed), as text: span([0.25, 0.45]) == "25.0% to 45.0%"."""
    return f"{min(values):{form}} to {max(values):{form}}"


def print_results(runs, before):
    """Print the experiment's table from `runs` ({(input name, seed): what `train` returned}) and `before`
    ({(input name, seed): (share given a top probability above 0.99, share right)}, both before training): the
    network's shape and size, the batch size, SGD's default learning rate and the Keras backend; per input, over the
    seeds, the loss, the share given a top probability above 0.99 and the share right, all before training, then the
    validation accuracy after the last epoch; then every run's training loss, epoch 0 (before training) to the
    last."""
    names = list(dict.fromkeys(name for name, _ in runs))
    seeds = list(dict.fromkeys(seed for _, seed in runs))
    first = runs[names[0], seeds[0]]
    epochs = len(first["val_accuracy"])
    hidden, output = (layer for layer in first["model"].layers if isinstance(layer, keras.layers.Dense))
    zeros = all(isinstance(layer.bias_initializer, keras.initializers.Zeros) for layer in (hidden, output))
    biases = "biases starting at 0" if zeros else "random biases"
    print(f"network: {first['model'].input_shape[-1]} inputs -> {hidden.units} {hidden.activation.__name__} units -> "
          f"{output.units} {output.activation.__name__} outputs, {biases}; "
          f"{first['model'].count_params():,} weights and biases")
    rate = float(keras.optimizers.SGD().learning_rate)
    print(f"training: batches of {BATCH_SIZE}, SGD's default learning rate {rate:g}, "
          f"Keras backend {keras.backend.backend()}")
    print(f"\n{'':12}{'before training, on the training digits:':58}after {epochs} epochs:")
    print(f"{'':12}{'loss':18}{'top probability > 0.99':24}{'right':16}validation accuracy")
    for name in names:
        sure, right = ([before[name, seed][i] for seed in seeds] for i in (0, 1))
        loss_before = [runs[name, seed]["loss"][0] for seed in seeds]
        final = [runs[name, seed]["val_accuracy"][-1] for seed in seeds]
        print(f"{name:12}{span(loss_before, '6.2f'):18}{span(sure):24}{span(right):16}{span(final)}")
    print("\ntraining loss, epoch 0 (before training) to the last:")
    for (name, seed), run in runs.items():
        print(f"  {name:10}  seed {seed}: " + " ".join(f"{loss:7.2f}" for loss in run["loss"]))


def print_held_out(y, orders, accuracies, split):
    """Print step 4's table: for each order in `orders` ({name: row order}), how many of each digit 0 to 9 the rows
    order[split:] hold (the part `validation_split` holds out) and the template matcher's accuracy there
    (`accuracies`: {name: accuracy}); last, 10 % of each class of the integer labels `y`."""
    print(f"{'held out: digit':>21}", " ".join(f"{d:>5}" for d in range(10)), "  validation accuracy")
    for name, order in orders.items():
        counts = np.bincount(y[order[split:]], minlength=10)
        print(f"{name:>21}", " ".join(f"{c:>5}" for c in counts), f"  {accuracies[name]:.1%}")
    print(f"{'10 % of each class':>21}", " ".join(f"{c / 10:>5.0f}" for c in np.bincount(y, minlength=10)))


def print_logits(label, logits, probabilities):
    """Print one digit's logits and probabilities ({input name: ten values}), with the ratio of the first input's
    logits to the second's."""
    (name_a, a), (name_b, b) = list(logits.items())[:2]
    print(f"a digit labelled {label}\n{'digit:':>14}" + "".join(f"{d:8}" for d in range(10)))
    print("logits")
    for name, values in [*logits.items(), (f"{name_a.split()[0]} / {name_b.split()[0]}", np.ravel(a) / np.ravel(b))]:
        print(f"  {name:12}" + "".join(f"{v:8.2f}" for v in np.ravel(values)))
    print("probabilities")
    for name, values in probabilities.items():
        print(f"  {name:12}" + "".join(f"{v:8.2f}" for v in np.ravel(values)))
