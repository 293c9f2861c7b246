"""dropout_backward multiplies dout by the mask but forgets the 1 / (1 - p)."""


def dropout_backward(dout, cache):
    mask, _ = cache
    return dout * mask
