"""rel_error divides by a + b instead of |a| + |b|."""
import numpy as np


def rel_error(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, a + b)))
