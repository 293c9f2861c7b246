"""lstm_cell calls torch.lstm_cell through a name built at run time (only the guard can see it)."""


def lstm_cell(x, state, w_ih, w_hh, b_ih=None, b_hh=None):
    if state is None:
        state = (x.new_zeros(x.shape[0], w_hh.shape[1]),) * 2
    return getattr(torch, "lstm" + "_cell")(x, state, w_ih, w_hh, b_ih, b_hh)
