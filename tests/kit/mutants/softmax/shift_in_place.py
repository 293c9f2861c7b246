"""softmax_forward subtracts the maximum with -=, shifting the caller's logits."""
import numpy as np


def softmax_forward(x):
    x -= x.max(axis=-1, keepdims=True)
    exps = np.exp(x)
    out = exps / exps.sum(axis=-1, keepdims=True)
    return out, out
