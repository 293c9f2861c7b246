"""rnn and lstm detach the state between steps: truncated backprop through time by accident."""


def rnn(xs, h0, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    _check_sequence("rnn", xs)
    h, outputs = h0, []
    for x in xs:
        h = rnn_cell(x, None if h is None else h.detach(), w_ih, w_hh, b_ih, b_hh, nonlinearity)
        outputs.append(h)
    return torch.stack(outputs), h


def lstm(xs, state0, w_ih, w_hh, b_ih=None, b_hh=None):
    _check_sequence("lstm", xs)
    state, outputs = state0, []
    for x in xs:
        state = lstm_cell(x, None if state is None else (state[0].detach(), state[1].detach()),
                          w_ih, w_hh, b_ih, b_hh)
        outputs.append(state[0])
    return torch.stack(outputs), state
