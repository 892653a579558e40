"""Training FLOPs of a Keras model, and the machine's compute ceiling to measure them against."""

import time

import numpy as np
from keras import layers

TRAIN, VALID = 54000, 6000  # every recipe: 60,000 training digits, validation_split=0.1


def layer_flops(model):
    """FLOPs of one digit's forward pass through each Dense and Conv2D layer: 2 per multiply-add.

    The other layers (pooling, dropout, augmentation, activations) cost a few percent and are
    left out, so the effective FLOP/s below are slight underestimates.
    """
    flops = []
    for layer in model.layers:
        if isinstance(layer, layers.Dense):
            flops.append(2 * layer.kernel.shape[0] * layer.kernel.shape[1])
        elif isinstance(layer, layers.Conv2D):
            height, width, channels_out = layer.output.shape[1:]
            kernel_h, kernel_w, channels_in, _ = layer.kernel.shape
            flops.append(2 * height * width * kernel_h * kernel_w * channels_in * channels_out)
    return flops


def step_flops(model):
    """One training digit: the forward pass, then the backward pass (weight gradients, and input
    gradients except for the first layer: nothing needs the gradient of the pixels), each as
    costly as the forward pass."""
    flops = layer_flops(model)
    return 3 * sum(flops) - flops[0]


def training_flops(model, epochs):
    """A whole fit: every epoch trains on TRAIN digits and validates (forward only) on VALID."""
    return epochs * (step_flops(model) * TRAIN + sum(layer_flops(model)) * VALID)


def matmul_gflops(n=2048, repeats=5):
    """The compute ceiling: NumPy float32 matrix multiply on large matrices, best of `repeats`, GFLOP/s."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9
