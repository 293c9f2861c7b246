"""xavier_uniform ignores gain and dtype, always returning float64 for tanh-free layers."""
import numpy as np


def xavier_uniform(fan_in, fan_out, rng, gain=1.0, dtype=float):
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))
