"""rnn_cell always applies tanh, whatever nonlinearity says."""
reference_rnn_cell = rnn_cell


def rnn_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    return reference_rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh, "tanh")
