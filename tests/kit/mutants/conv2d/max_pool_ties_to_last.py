"""max_pool2d keeps the LAST maximum of a window on ties (a >= while scanning), where torch keeps the first."""
import numpy as np


def max_pool2d_forward(x, kernel_size, stride=None, padding=0):
    kernel, stride, padding, (h_out, w_out) = _check_pool(x, kernel_size, stride, padding)
    xp = _pad(x, padding, -np.inf)
    windows = _windows(xp, kernel, stride, (1, 1)).reshape(*x.shape[:2], h_out, w_out, -1)
    last_max = windows.shape[-1] - 1 - windows[..., ::-1].argmax(axis=-1)
    out = np.take_along_axis(windows, last_max[..., None], axis=-1)[..., 0]
    return out, (xp.shape, last_max, kernel, stride, padding)
