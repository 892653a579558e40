"""Where a series model's fit time goes: milliseconds per training step, taken apart by subtraction.

The model is timed as the notebook trains it, then with one part taken away at a time:
  the augmentation layer (RandomTranslation), then dropout, then Adam's update (plain SGD
  instead), then Keras's training loop itself (the input pipeline that slices and shuffles
  the arrays, the metrics, the callbacks' per-step hooks), leaving the layers' arithmetic:
  the forward and backward passes alone, on one batch held in memory, compiled as a graph
  with and without XLA (the faster counts: XLA speeds up dense layers on a CPU, and may slow
  convolutions down).
The variants are timed in rounds, each once per round, in turn, so that a slow spell of the
machine falls on one round of every variant, not on all of one part's timings. Each difference
is the cost of the part taken away. The arithmetic is then set against the machine's ceiling
(NumPy's float32 matrix multiply): what the step would cost if the multiply-adds ran at full
speed. One more line times a measured alternative: the shifts done in the input pipeline
(tf.data) instead of in the model, so that XLA can compile the rest.
"""

import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from benchmarks.flops import step_flops

STEPS = 100  # training steps per timing (one epoch), after an epoch that traces and compiles
ROUNDS = 3  # rounds of timings; in each, every variant is timed once, in turn; the fastest of each counts
ARITHMETIC = "the layers' arithmetic (forward and backward passes)"  # the part the others are set against


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


def epoch_timer(model, data, **fit_args):
    """A function that fits `model` for one epoch of STEPS steps and returns milliseconds per step.
    Called once here: the first epoch traces (and compiles) the step."""

    def epoch_ms():
        epochs = EpochTimes()
        model.fit(*data, epochs=1, verbose=0, callbacks=[epochs], **fit_args)
        return epochs.seconds[0] / STEPS * 1000

    epoch_ms()
    return epoch_ms


def fit_timer(model, x, y, batch, optimizer="adam", jit_compile=False, steps_per_execution=1):
    """Times model.fit on arrays, as the notebooks call it (steps_per_execution: training steps per call
    into TensorFlow, as the notebook compiles its model).

    Without XLA, as the notebooks' models train: Keras compiles with XLA only models whose
    every layer supports it, and RandomTranslation does not. Left on "auto", taking the shifts
    away would switch XLA on, and its effect would be booked as the shifts' cost."""
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"], jit_compile=jit_compile,
                  steps_per_execution=steps_per_execution)
    n = STEPS * batch
    return epoch_timer(model, (x[:n], y[:n]), batch_size=batch)


def pipeline_timer(model, x, y, batch, steps_per_execution=1):
    """Times a step with the shifts in a tf.data pipeline and the model, without them, under XLA
    (with the Keras loop's steps per call of the model as its notebook trains it)."""
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
    net.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"], jit_compile=True,
                steps_per_execution=steps_per_execution)
    return epoch_timer(net, (data,), shuffle=False)  # the dataset shuffles itself


def arithmetic_timers(model, x, y, batch):
    """Times the forward and backward passes alone: one batch in memory, no update, as a graph
    without and with XLA (two timers)."""
    loss = keras.losses.CategoricalCrossentropy()
    images, labels = tf.constant(x[:batch]), tf.constant(y[:batch])

    def gradients():
        with tf.GradientTape() as tape:
            value = loss(labels, model(images, training=True))
        return tape.gradient(value, model.trainable_weights)

    def timer(compiled):
        compiled()  # traces and compiles

        def steps_ms():
            start = time.perf_counter()
            for _ in range(STEPS):
                result = compiled()
            np.asarray(result[0])  # wait for the last one
            return (time.perf_counter() - start) / STEPS * 1000

        return steps_ms

    return [timer(tf.function(gradients, jit_compile=jit_compile)) for jit_compile in (False, True)]


def times_in_rounds(timers):
    """ROUNDS times of each timer, every timer once per round, in turn: a slow spell of the machine
    then slows one round of every measurement, not all of one part's."""
    times = {name: [] for name in timers}
    for _ in range(ROUNDS):
        for name, timer in timers.items():
            times[name].append(timer())
    return times


def profile(model, x, y, batch, ceiling_gflops, steps_per_execution=1):
    """The breakdown for `model` (trained as its notebook trains it: batches of `batch`, its Keras loop
    running `steps_per_execution` steps per call), in ms per step."""
    augmentation, dropout = (layers.RandomTranslation,), (layers.RandomTranslation, layers.Dropout)
    loop = {"steps_per_execution": steps_per_execution}
    graph, xla = arithmetic_timers(rebuilt(model, dropout), x, y, batch)
    times = times_in_rounds({
        "whole": fit_timer(rebuilt(model), x, y, batch, **loop),
        "no shift": fit_timer(rebuilt(model, augmentation), x, y, batch, **loop),
        "no dropout": fit_timer(rebuilt(model, dropout), x, y, batch, **loop),
        "sgd": fit_timer(rebuilt(model, dropout), x, y, batch, optimizer="sgd", **loop),
        "arithmetic": graph,
        "arithmetic, XLA": xla,
        "pipeline": pipeline_timer(model, x, y, batch, **loop),
    })
    parts, noise = take_apart(times)
    return {
        "batch": batch,
        "steps_per_execution": steps_per_execution,
        "step_ms": min(times["whole"]),
        "parts_ms": parts,
        "noise_ms": noise,
        "arithmetic_at_ceiling_ms": step_flops(model) * batch / (ceiling_gflops * 1e9) * 1000,
        "shifts_in_input_pipeline_step_ms": min(times["pipeline"]),
    }


def take_apart(times):
    """Each part's milliseconds per step, from every variant's times in the rounds: the fastest time of
    the variant with the part minus that of the variant without it (noise only ever adds time, so the
    fastest counts); and the part's noise: how far apart the rounds of those two variants came out,
    the larger of the two."""
    times = {**times, "nothing": [0.0]}  # what the arithmetic is measured against
    ms = {name: min(values) for name, values in times.items()}
    spread = {name: max(values) - min(values) for name, values in times.items()}
    core = min(("arithmetic", "arithmetic, XLA"), key=ms.get)
    subtractions = {  # each part: the variant with it, and the variant without it
        "augmentation (RandomTranslation)": ("whole", "no shift"),
        "dropout": ("no shift", "no dropout"),
        "Adam's update beyond plain SGD's": ("no dropout", "sgd"),
        "Keras's training loop (input slicing and shuffling, SGD update, metrics, hooks)": ("sgd", core),
        ARITHMETIC: (core, "nothing"),
    }
    parts = {part: ms[with_it] - ms[without] for part, (with_it, without) in subtractions.items()}
    noise = {part: max(spread[with_it], spread[without]) for part, (with_it, without) in subtractions.items()}
    return parts, noise


def obstacle(breakdown):
    """What stands most in the way of a faster step, as a phrase: the largest part that is not the
    layers' arithmetic, or the arithmetic's own time beyond the ceiling's, whichever is larger."""
    parts = {name: ms for name, ms in breakdown["parts_ms"].items() if name != ARITHMETIC}
    name = max(parts, key=parts.get)
    arithmetic, ideal = breakdown["parts_ms"][ARITHMETIC], breakdown["arithmetic_at_ceiling_ms"]
    step = f"{breakdown['step_ms']:.1f} ms per step"
    if arithmetic - ideal > parts[name]:
        name, excess = ARITHMETIC, arithmetic - ideal
        phrase = f"the layers' arithmetic itself: {arithmetic:.1f} of {step}, {ideal:.1f} at the ceiling"
    else:
        excess = parts[name]
        phrase = f"{name}: {parts[name]:.1f} of {step}"
    noise = breakdown["noise_ms"][name]
    return phrase + (f" (within its timings' {noise:.1f} ms noise)" if excess < noise else "")
