"""lstm_cell slices the gates in the order i, f, o, g instead of torch's i, f, g, o (forward and backward agree)."""
import numpy as np


def lstm_cell_forward(x, h_prev, c_prev, w_ih, w_hh, b_ih, b_hh):
    hidden = h_prev.shape[1]
    a = x @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh
    i, f, o = (sigmoid_forward(a[:, k * hidden:(k + 1) * hidden])[0] for k in (0, 1, 2))
    g = np.tanh(a[:, 3 * hidden:])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    return o * tanh_c, c, (x, h_prev, c_prev, w_ih, w_hh, i, f, g, o, tanh_c)


def lstm_cell_backward(dh, dc, cache):
    x, h_prev, c_prev, w_ih, w_hh, i, f, g, o, tanh_c = cache
    dc_total = dc + dh * o * (1 - tanh_c * tanh_c)
    da = np.concatenate([dc_total * g * i * (1 - i), dc_total * c_prev * f * (1 - f),
                         dh * tanh_c * o * (1 - o), dc_total * i * (1 - g * g)], axis=1)
    grads = _preactivation_backward(da, x, h_prev, w_ih, w_hh)
    grads["c_prev"] = dc_total * f
    return grads
