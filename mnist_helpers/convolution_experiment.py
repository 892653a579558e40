"""The plumbing behind notebook 07's experiments; only notebook 07 uses it. The notebook shows the experiments
themselves (the budget, the models, the trainings and the verdicts); this scores a network on held-out digits in
batches and prints the experiment's table."""

import keras
import numpy as np


def accuracy(network, images, labels, batch=500):
    """The share of `images` (n, 28, 28, 1) that `network` labels as `labels` (integers), predicted with
    training=False: no random shifts, no dropout. The images are reshaped to the network's input (notebook 05's
    MLP takes rows of 784) and scored `batch` at a time, to save memory."""
    shaped = images.reshape((len(images),) + tuple(network.input_shape[1:]))
    parts = np.array_split(shaped, int(np.ceil(len(images) / batch)))
    probabilities = np.concatenate([keras.ops.convert_to_numpy(network(part, training=False)) for part in parts])
    return float(np.mean(probabilities.argmax(axis=1) == labels))


def print_groups(results):
    """Notebook 07's table: one line per group of `results` (name -> accuracies, one per seed), each seed's
    accuracy, then their mean."""
    for name, accuracies in results.items():
        print(f"{name:<25}" + "  ".join(f"{a:.2%}" for a in accuracies) + f"   mean {np.mean(accuracies):.2%}")
