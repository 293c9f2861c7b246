"""linear_backward sums the bias gradient over axis 1 (features) instead of axis 0 (batch)."""


def linear_backward(dout, cache):
    x, w, _ = cache
    rows = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), rows.T @ dout, dout.sum(axis=1)
