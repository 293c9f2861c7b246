"""dropout_forward draws the mask from np.random instead of the rng it is given."""
import numpy as np


def dropout_forward(x, p, rng, train=True):
    if not 0 <= p <= 1:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    if not train:
        return x.copy(), (np.ones(x.shape, dtype=bool), 1.0)
    mask = np.random.rand(*x.shape) >= p
    keep = 1.0 - p
    return _scale_kept(x, mask, keep), (mask, keep)
