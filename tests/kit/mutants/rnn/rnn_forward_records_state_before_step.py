"""rnn_forward appends h before updating it, so hs holds h_0 .. h_{T-1} instead of h_1 .. h_T."""
import numpy as np


def rnn_forward(x, h0, params):
    h, hs, steps = h0, [], []
    for x_t in x:
        hs.append(h)
        h, cache = rnn_cell_forward(x_t, h, params["w_ih"], params["w_hh"], params["b_ih"], params["b_hh"])
        steps.append(cache)
    return np.stack(hs), tuple(steps)
