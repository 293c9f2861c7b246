"""The variance is computed in one pass as mean(x**2) - mean(x)**2, which cancels catastrophically for large means."""


def _moments(x, axes):
    mean = x.mean(axis=axes, keepdims=True)
    return mean, (x * x).mean(axis=axes, keepdims=True) - mean * mean
