"""softmax_forward exponentiates the raw logits, without subtracting the row maximum."""
import numpy as np


def softmax_forward(x):
    exps = np.exp(x)
    out = exps / exps.sum(axis=-1, keepdims=True)
    return out, out
