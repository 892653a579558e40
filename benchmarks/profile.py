"""Where a series model's fit time goes: milliseconds per training step, taken apart by subtraction.

The model is timed as the notebook trains it, then with one part taken away at a time:
  the augmentation layer (RandomTranslation), then dropout, then Adam's update (plain SGD
  instead), then Keras's training loop itself (the input pipeline that slices and shuffles
  the arrays, the metrics, the callbacks' per-step hooks), leaving the layers' arithmetic:
  the forward and backward passes alone, on one batch held in memory, compiled as a graph
  with and without XLA (the faster counts: XLA speeds up dense layers on a CPU, and may slow
  convolutions down).
Each difference is the cost of the part taken away. The arithmetic is then set against the
machine's ceiling (NumPy's float32 matrix multiply): what the step would cost if the
multiply-adds ran at full speed. One more line times a measured alternative: the shifts done
in the input pipeline (tf.data) instead of in the model, so that XLA can compile the rest.
"""

import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from benchmarks.flops import step_flops

STEPS = 100  # training steps per timing (one epoch), after an epoch that traces and compiles
REPEATS = 3  # timings per measurement; the fastest counts, as for the ceiling (noise only ever adds time)


def rebuilt(model, leave_out=()):
    """A fresh copy of a Sequential model (new weights), without the layers of the kinds `leave_out`."""
    kept = [type(layer).from_config(layer.get_config()) for layer in model.layers if not isinstance(layer, leave_out)]
    return keras.Sequential([keras.Input(model.input_shape[1:]), *kept])


class EpochTimes(keras.callbacks.Callback):
    """Seconds of each epoch of a fit, without the fit call's own set-up (converting the arrays, tracing)."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def timed_fit_ms(model, data, **fit_args):
    """Milliseconds per step: one fit of 1 + REPEATS epochs of STEPS steps; the first epoch traces
    (and compiles) the step, and the fastest of the others counts, as for the ceiling (noise only
    ever adds time)."""
    epochs = EpochTimes()
    model.fit(*data, epochs=1 + REPEATS, verbose=0, callbacks=[epochs], **fit_args)
    return min(epochs.seconds[1:]) / STEPS * 1000


def fit_step_ms(model, x, y, batch, optimizer="adam", jit_compile=False, steps_per_execution=1):
    """Milliseconds per step of model.fit on arrays, as the notebooks call it (steps_per_execution:
    training steps per call into TensorFlow, as the notebook compiles its model).

    Without XLA, as the notebooks' models train: Keras compiles with XLA only models whose
    every layer supports it, and RandomTranslation does not. Left on "auto", taking the shifts
    away would switch XLA on, and its effect would be booked as the shifts' cost."""
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"], jit_compile=jit_compile,
                  steps_per_execution=steps_per_execution)
    n = STEPS * batch
    return timed_fit_ms(model, (x[:n], y[:n]), batch_size=batch)


def best_ms(run):
    """The fastest of REPEATS calls of run(), each STEPS steps, in milliseconds per step."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) / STEPS * 1000


def pipeline_step_ms(model, x, y, batch):
    """Milliseconds per step with the shifts in a tf.data pipeline and the model, without them, under XLA."""
    shift = next(layer for layer in model.layers if isinstance(layer, layers.RandomTranslation))
    shift = type(shift).from_config(shift.get_config())
    image_shape = (-1, 28, 28, 1)
    shape = (-1, *model.input_shape[1:])

    def augment(images, labels):
        return tf.reshape(shift(tf.reshape(images, image_shape), training=True), shape), labels

    n = STEPS * batch
    data = (tf.data.Dataset.from_tensor_slices((x[:n], y[:n])).shuffle(n).batch(batch)
            .map(augment, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE))
    net = rebuilt(model, leave_out=(layers.RandomTranslation,))
    net.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"], jit_compile=True)
    return timed_fit_ms(net, (data,), shuffle=False)  # the dataset shuffles itself


def arithmetic_ms(model, x, y, batch):
    """Milliseconds for the forward and backward passes alone: one batch in memory, no update, as a
    graph with and without XLA, the faster."""
    loss = keras.losses.CategoricalCrossentropy()
    images, labels = tf.constant(x[:batch]), tf.constant(y[:batch])

    def gradients():
        with tf.GradientTape() as tape:
            value = loss(labels, model(images, training=True))
        return tape.gradient(value, model.trainable_weights)

    def steps(compiled):
        for _ in range(STEPS):
            result = compiled()
        np.asarray(result[0])  # wait for the last one

    fastest = float("inf")
    for jit_compile in (False, True):
        compiled = tf.function(gradients, jit_compile=jit_compile)
        compiled()  # traces and compiles
        fastest = min(fastest, best_ms(lambda compiled=compiled: steps(compiled)))
    return fastest


def profile(model, x, y, batch, ceiling_gflops, steps_per_execution=1):
    """The breakdown for `model` (trained as its notebook trains it: batches of `batch`, its Keras loop
    running `steps_per_execution` steps per call), in ms per step."""
    augmentation, dropout = (layers.RandomTranslation,), (layers.RandomTranslation, layers.Dropout)
    loop = {"steps_per_execution": steps_per_execution}
    whole = fit_step_ms(rebuilt(model), x, y, batch, **loop)
    no_shift = fit_step_ms(rebuilt(model, augmentation), x, y, batch, **loop)
    no_dropout = fit_step_ms(rebuilt(model, dropout), x, y, batch, **loop)
    sgd = fit_step_ms(rebuilt(model, dropout), x, y, batch, optimizer="sgd", **loop)
    core = arithmetic_ms(rebuilt(model, dropout), x, y, batch)
    ideal = step_flops(model) * batch / (ceiling_gflops * 1e9) * 1000
    return {
        "batch": batch,
        "steps_per_execution": steps_per_execution,
        "step_ms": whole,
        "parts_ms": {
            "augmentation (RandomTranslation)": whole - no_shift,
            "dropout": no_shift - no_dropout,
            "Adam's update beyond plain SGD's": no_dropout - sgd,
            "Keras's training loop (input slicing and shuffling, SGD update, metrics, hooks)": sgd - core,
            "the layers' arithmetic (forward and backward passes)": core,
        },
        "arithmetic_at_ceiling_ms": ideal,
        "shifts_in_input_pipeline_step_ms": pipeline_step_ms(model, x, y, batch),
    }


def obstacle(breakdown):
    """The largest part of a step that is not the layers' arithmetic, as a phrase."""
    parts = {name: ms for name, ms in breakdown["parts_ms"].items() if "arithmetic" not in name}
    name = max(parts, key=parts.get)
    return f"{name}: {parts[name]:.1f} of {breakdown['step_ms']:.1f} ms per step"
