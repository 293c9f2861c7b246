"""rnn and lstm record the state before each step: outputs hold h_0 .. h_{T-1}."""
reference_rnn, reference_lstm = rnn, lstm


def rnn(xs, h0, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    outputs, h_last = reference_rnn(xs, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity)
    first = torch.zeros_like(outputs[0]) if h0 is None else h0
    return torch.cat([first.unsqueeze(0), outputs[:-1]]), h_last


def lstm(xs, state0, w_ih, w_hh, b_ih=None, b_hh=None):
    outputs, state = reference_lstm(xs, state0, w_ih, w_hh, b_ih, b_hh)
    first = torch.zeros_like(outputs[0]) if state0 is None else state0[0]
    return torch.cat([first.unsqueeze(0), outputs[:-1]]), state
