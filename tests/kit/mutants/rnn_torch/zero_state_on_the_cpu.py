"""A missing state becomes torch.zeros(N, H): float32 on the CPU, whatever the inputs are."""
reference_rnn_cell, reference_lstm_cell = rnn_cell, lstm_cell


def rnn_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    if h is None:
        h = torch.zeros(x.shape[0], w_hh.shape[1])
    return reference_rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity)


def lstm_cell(x, state, w_ih, w_hh, b_ih=None, b_hh=None):
    if state is None:
        zeros = torch.zeros(x.shape[0], w_hh.shape[1])
        state = (zeros, zeros)
    return reference_lstm_cell(x, state, w_ih, w_hh, b_ih, b_hh)
