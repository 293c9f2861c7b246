"""rnn and lstm feed the initial state to every step instead of the previous step's state."""


def rnn(xs, h0, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    _check_sequence("rnn", xs)
    outputs = [rnn_cell(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity) for x in xs]
    return torch.stack(outputs), outputs[-1]


def lstm(xs, state0, w_ih, w_hh, b_ih=None, b_hh=None):
    _check_sequence("lstm", xs)
    states = [lstm_cell(x, state0, w_ih, w_hh, b_ih, b_hh) for x in xs]
    return torch.stack([h for h, _ in states]), states[-1]
