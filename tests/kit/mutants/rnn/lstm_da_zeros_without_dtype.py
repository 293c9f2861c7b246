"""lstm_cell_backward fills the gate gradients into np.zeros((N, 4H)) without a dtype: float32 becomes float64."""
import numpy as np


def lstm_cell_backward(dh, dc, cache):
    x, h_prev, c_prev, w_ih, w_hh, i, f, g, o, tanh_c = cache
    hidden = h_prev.shape[1]
    dc_total = dc + dh * o * (1 - tanh_c * tanh_c)
    da = np.zeros((x.shape[0], 4 * hidden))
    da[:, :hidden] = dc_total * g * i * (1 - i)
    da[:, hidden:2 * hidden] = dc_total * c_prev * f * (1 - f)
    da[:, 2 * hidden:3 * hidden] = dc_total * i * (1 - g * g)
    da[:, 3 * hidden:] = dh * tanh_c * o * (1 - o)
    grads = _preactivation_backward(da, x, h_prev, w_ih, w_hh)
    grads["c_prev"] = dc_total * f
    return grads
