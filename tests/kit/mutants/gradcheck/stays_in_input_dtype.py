"""numerical_gradient works in the input's dtype: in float32, x + 1e-6 rounds back to x."""
import numpy as np


def numerical_gradient(f, x, dout=None, h=1e-6):
    point = x.copy()
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        saved = point[index]
        point[index] = saved + h
        plus = np.sum(f(point) * (1 if dout is None else dout))
        point[index] = saved - h
        minus = np.sum(f(point) * (1 if dout is None else dout))
        point[index] = saved
        grad[index] = (plus - minus) / (2 * h)
    return grad
