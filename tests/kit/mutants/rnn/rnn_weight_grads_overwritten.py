"""rnn_backward assigns each step's weight gradients (=) instead of summing them over time (+=)."""
import numpy as np


def rnn_backward(dhs, cache):
    dh_next = np.zeros_like(dhs[0])
    dxs, weights = [], {}
    for t in reversed(range(len(cache))):
        grads = rnn_cell_backward(dhs[t] + dh_next, cache[t])
        dxs.append(grads["x"])
        dh_next = grads["h_prev"]
        for name in WEIGHTS:
            weights[name] = grads[name]
    return {"x": np.stack(dxs[::-1]), "h0": dh_next, **weights}
