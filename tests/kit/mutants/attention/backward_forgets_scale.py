"""scaled_dot_product_attention_backward forgets the 1/sqrt(d) factor in dq and dk."""
import numpy as np


def scaled_dot_product_attention_backward(dout, cache):
    q, k, v, weights, _ = cache
    dv = np.swapaxes(weights, -1, -2) @ dout
    dscores = softmax_backward(dout @ np.swapaxes(v, -1, -2), weights)
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv
