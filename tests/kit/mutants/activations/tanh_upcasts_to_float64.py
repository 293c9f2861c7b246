"""Tanh casts its input with astype(float), turning float32 into float64."""
import numpy as np


def tanh_forward(x):
    out = np.tanh(x.astype(float))
    return out, out
