"""avg_pool2d averages over the real elements only (count_include_pad=False); torch divides by KH * KW."""
import numpy as np


def avg_pool2d_forward(x, kernel_size, stride=None, padding=0):
    kernel, stride, padding, _ = _check_pool(x, kernel_size, stride, padding)
    sums = _windows(_pad(x, padding, 0), kernel, stride, (1, 1)).sum(axis=(-2, -1))
    counts = _windows(_pad(np.ones((1, 1, *x.shape[2:]), x.dtype), padding, 0), kernel, stride, (1, 1))
    counts = counts.sum(axis=(-2, -1))
    xp_shape = (*x.shape[:2], x.shape[2] + 2 * padding[0], x.shape[3] + 2 * padding[1])
    return sums / counts, (xp_shape, kernel, stride, padding, counts)


def avg_pool2d_backward(dout, cache):
    padded_shape, kernel, stride, padding, counts = cache
    dwindows = np.broadcast_to((dout / counts)[..., None, None], (*dout.shape, *kernel))
    return _scatter_windows(dwindows, padded_shape, padding, stride, (1, 1))
