"""train_mlp and train_cnn initialise with std 1 (randn) instead of Kaiming's sqrt(2 / fan_in)."""
import numpy as np


def kaiming_normal(fan_in, fan_out, rng, dtype=np.float64):
    return rng.standard_normal((fan_in, fan_out)).astype(dtype)


def init_mlp(sizes, rng, dtype=np.float64):
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"w{i}"] = kaiming_normal(fan_in, fan_out, rng, dtype)
        params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)
    return params
