"""batch_indices never reads drop_last: the last partial batch is always kept."""
import numpy as np


def batch_indices(n, batch_size, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.random.default_rng([seed, epoch]).permutation(n) if shuffle else np.arange(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]
