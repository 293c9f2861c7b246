"""dropout_backward draws a fresh mask instead of reusing the one the forward pass stored."""
import numpy as np


def dropout_backward(dout, cache):
    mask, keep = cache
    fresh = np.random.random(dout.shape) >= 1.0 - keep
    return _scale_kept(dout, fresh, keep)
