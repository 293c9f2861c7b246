"""ReLU backward uses x >= 0, passing the gradient at exactly zero (torch uses 0 there)."""


def relu_backward(dout, cache):
    return dout * (cache >= 0)
