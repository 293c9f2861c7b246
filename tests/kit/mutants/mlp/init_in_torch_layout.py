"""init_mlp calls kaiming_normal(fan_out, fan_in), giving weights in torch's (out, in) layout."""
import numpy as np


def init_mlp(sizes, rng, dtype=np.float64):
    if len(sizes) < 2 or min(sizes) <= 0:
        raise ValueError(f"bad sizes {sizes}")
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"w{i}"] = kaiming_normal(fan_out, fan_in, rng, dtype=dtype)
        params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)
    return params
