"""softmax_backward keeps only the Jacobian's diagonal: dx = dout * s * (1 - s)."""


def softmax_backward(dout, cache):
    return dout * cache * (1 - cache)
