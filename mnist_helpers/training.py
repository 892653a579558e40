"""Training helpers written in the lessons and reused by later ones (notebook 05 defines them)."""

import keras

# --- From notebooks/05_training.ipynb: edit it there, then run `python -m mnist_helpers.series.export` ---

def warmup_cosine(peak_rate, total_steps, warmup_share=0.1):
    """Climb from 0 to peak_rate over the first warmup_share of the steps, then cosine decay to 0."""
    warmup_steps = max(1, int(total_steps * warmup_share))
    return keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.0, decay_steps=total_steps - warmup_steps,
                                                  warmup_target=peak_rate, warmup_steps=warmup_steps)
