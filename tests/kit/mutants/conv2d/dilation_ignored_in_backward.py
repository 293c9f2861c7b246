"""conv2d_backward puts kernel tap (p, q) back at offset (p, q) instead of (p * dil_h, q * dil_w)."""


def conv2d_backward(dout, cache):
    padded_shape, w, cols, stride, padding, dilation = cache
    n, f, h_out, w_out = dout.shape
    c, kh, kw = w.shape[1:]
    rows = dout.transpose(1, 0, 2, 3).reshape(f, -1)
    dw = (rows @ cols.T).reshape(w.shape)
    dcols = (w.reshape(f, -1).T @ rows).reshape(c, kh, kw, n, h_out, w_out)
    dx = _scatter_windows(dcols.transpose(3, 0, 4, 5, 1, 2), padded_shape, padding, stride, (1, 1))
    return dx, dw, dout.sum(axis=(0, 2, 3))
