"""lstm_cell outputs h' = o * c' (the tanh of the cell state is missing)."""


def lstm_cell(x, state, w_ih, w_hh, b_ih=None, b_hh=None):
    h, c = (None, None) if state is None else state
    _check_shapes("lstm_cell", x, h, w_ih, w_hh, b_ih, b_hh, gates=4)
    if h is None:
        h = c = x.new_zeros(x.shape[0], w_hh.shape[1])
    a_i, a_f, a_g, a_o = _affine(x, h, w_ih, w_hh, b_ih, b_hh).chunk(4, dim=1)
    c_next = a_f.sigmoid() * c + a_i.sigmoid() * a_g.tanh()
    return a_o.sigmoid() * c_next, c_next
