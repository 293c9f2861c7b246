"""Nothing is validated: wrong shapes broadcast or fail inside a matmul, unknown nonlinearities act as relu."""


def _check_shapes(name, x, h, w_ih, w_hh, b_ih, b_hh, gates):
    pass


def _check_sequence(name, xs):
    pass


def rnn_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    if h is None:
        h = x.new_zeros(x.shape[0], w_hh.shape[1])
    a = _affine(x, h, w_ih, w_hh, b_ih, b_hh)
    return a.tanh() if nonlinearity == "tanh" else a.relu()
