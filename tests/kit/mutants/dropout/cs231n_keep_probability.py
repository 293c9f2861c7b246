"""dropout follows CS231n's convention, p the KEEP probability: mask = (rng.random(shape) < p) / p."""
import numpy as np


def dropout_forward(x, p, rng, train=True):
    if not 0 <= p <= 1:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    if not train:
        return x.copy(), None
    mask = (rng.random(x.shape) < p) / p
    return x * mask, mask


def dropout_backward(dout, cache):
    if cache is None:
        return dout.copy()
    return dout * cache
