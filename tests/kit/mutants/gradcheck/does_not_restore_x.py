"""numerical_gradient perturbs the caller's x in place and leaves it at x - h."""
import numpy as np


def numerical_gradient(f, x, dout=None, h=1e-6):
    weights = 1.0 if dout is None else dout
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        plus = np.sum(f(x) * weights)
        x[index] = saved - h
        minus = np.sum(f(x) * weights)
        grad[index] = (plus - minus) / (2 * h)
    return grad
