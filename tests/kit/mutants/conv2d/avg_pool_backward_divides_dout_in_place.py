"""avg_pool2d_backward divides dout in place (dout /= KH * KW), changing the caller's array."""
import numpy as np


def avg_pool2d_backward(dout, cache):
    padded_shape, kernel, stride, padding = cache
    dout /= kernel[0] * kernel[1]
    dwindows = np.broadcast_to(dout[..., None, None], (*dout.shape, *kernel))
    return _scatter_windows(dwindows, padded_shape, padding, stride, (1, 1))
