"""The cells add b_ih and forget b_hh (torch keeps two bias vectors and adds both)."""


def _affine(x, h, w_ih, w_hh, b_ih, b_hh):
    a = x @ w_ih.T + h @ w_hh.T
    return a if b_ih is None else a + b_ih
