"""init_mlp draws the weights from np.random instead of the rng it is given."""
import numpy as np


def init_mlp(sizes, rng, dtype=np.float64):
    if len(sizes) < 2 or min(sizes) <= 0:
        raise ValueError(f"bad sizes {sizes}")
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"w{i}"] = (np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)).astype(dtype)
        params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)
    return params
