"""clip_gradients clips each array by its own norm instead of one global norm."""
import numpy as np


def clip_gradients(grads, max_norm):
    return {name: g * min(1.0, max_norm / (float(np.linalg.norm(g)) + 1e-6)) for name, g in grads.items()}
