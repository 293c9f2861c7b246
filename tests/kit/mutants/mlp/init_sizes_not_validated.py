"""init_mlp builds whatever the sizes give: [4] makes an empty network and a width of 0 an empty layer."""
import numpy as np


def init_mlp(sizes, rng, dtype=np.float64):
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"w{i}"] = kaiming_normal(fan_in, fan_out, rng, dtype=dtype)
        params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)
    return params
