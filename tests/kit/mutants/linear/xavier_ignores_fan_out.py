"""xavier_uniform uses sqrt(6 / fan_in), forgetting fan_out."""
import numpy as np


def xavier_uniform(fan_in, fan_out, rng, gain=1.0, dtype=float):
    bound = gain * np.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, size=(fan_in, fan_out)).astype(dtype)
