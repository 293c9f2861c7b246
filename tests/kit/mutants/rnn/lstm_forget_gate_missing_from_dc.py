"""lstm_cell_backward passes the cell gradient back unscaled: dc_prev = dc_total, without the * f."""
import numpy as np


def lstm_cell_backward(dh, dc, cache):
    x, h_prev, c_prev, w_ih, w_hh, i, f, g, o, tanh_c = cache
    dc_total = dc + dh * o * (1 - tanh_c * tanh_c)
    da = np.concatenate([dc_total * g * i * (1 - i), dc_total * c_prev * f * (1 - f),
                         dc_total * i * (1 - g * g), dh * tanh_c * o * (1 - o)], axis=1)
    grads = _preactivation_backward(da, x, h_prev, w_ih, w_hh)
    grads["c_prev"] = dc_total
    return grads
