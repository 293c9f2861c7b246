"""_scatter_windows (col2im) fills np.zeros(padded_shape) with no dtype: float32 gradients come back float64."""
import numpy as np


def _scatter_windows(dwindows, padded_shape, padding, stride, dilation):
    _, _, h_out, w_out, kh, kw = dwindows.shape
    (sh, sw), (dh, dw), (ph, pw) = stride, dilation, padding
    dxp = np.zeros(padded_shape)
    for p in range(kh):
        for q in range(kw):
            dxp[:, :, p * dh:p * dh + sh * (h_out - 1) + 1:sh, q * dw:q * dw + sw * (w_out - 1) + 1:sw] += \
                dwindows[:, :, :, :, p, q]
    return dxp[:, :, ph:padded_shape[2] - ph, pw:padded_shape[3] - pw]
