"""conv2d_backward adds the window gradients back at stride 1, as if the forward had no stride."""


def conv2d_backward(dout, cache):
    padded_shape, w, cols, stride, padding, dilation = cache
    n, f, h_out, w_out = dout.shape
    c, kh, kw = w.shape[1:]
    rows = dout.transpose(1, 0, 2, 3).reshape(f, -1)
    dw = (rows @ cols.T).reshape(w.shape)
    dcols = (w.reshape(f, -1).T @ rows).reshape(c, kh, kw, n, h_out, w_out)
    dx = _scatter_windows(dcols.transpose(3, 0, 4, 5, 1, 2), padded_shape, padding, (1, 1), dilation)
    return dx, dw, dout.sum(axis=(0, 2, 3))
