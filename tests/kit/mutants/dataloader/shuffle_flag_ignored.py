"""batch_indices always draws the permutation, so shuffle=False still shuffles."""
import numpy as np


def batch_indices(n, batch_size, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.random.default_rng([seed, epoch]).permutation(n)
    stop = n - n % batch_size if drop_last else n
    return [order[start:start + batch_size] for start in range(0, stop, batch_size)]
