"""rel_error divides by |a| + |b| without the 1e-8 floor: 0 / 0 = nan where both are zero."""
import numpy as np


def rel_error(a, b):
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
