"""numerical_gradient uses one-sided differences (f(x + h) - f(x)) / h with a large fixed step."""
import numpy as np


def numerical_gradient(f, x, dout=None, h=1e-6):
    step = 1e-4
    point = np.array(x, dtype=np.float64)
    weights = 1.0 if dout is None else dout
    base = np.sum(np.asarray(f(point), dtype=np.float64) * weights)
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        saved = point[index]
        point[index] = saved + step
        grad[index] = (np.sum(np.asarray(f(point), dtype=np.float64) * weights) - base) / step
        point[index] = saved
    return grad
