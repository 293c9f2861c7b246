"""log_softmax_forward is np.log(softmax(x)): log(0) = -inf once a logit dominates."""
import numpy as np


def log_softmax_forward(x):
    out = np.log(softmax_forward(x)[0])
    return out, out
