"""softmax_forward normalises over axis 0 (the batch) instead of the last axis."""
import numpy as np


def softmax_forward(x):
    exps = np.exp(x - x.max(axis=0, keepdims=True))
    out = exps / exps.sum(axis=0, keepdims=True)
    return out, out
