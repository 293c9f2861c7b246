"""conv2d_forward_naive sums the window times the filter but never adds b[f]."""
import numpy as np


def conv2d_forward_naive(x, w, b, stride=1, padding=0, dilation=1):
    stride, padding, dilation, (h_out, w_out) = _check_conv(x, w, b, stride, padding, dilation)
    xp = _pad(x, padding, 0)
    out = np.zeros((x.shape[0], w.shape[0], h_out, w_out), dtype=x.dtype)
    for image in range(x.shape[0]):
        for filt in range(w.shape[0]):
            for i in range(h_out):
                for j in range(w_out):
                    rows, cols = _window_slices(i, j, w.shape[2:], stride, dilation)
                    out[image, filt, i, j] = np.sum(xp[image, :, rows, cols] * w[filt])
    return out, (xp, w, stride, padding, dilation)
