"""rnn_backward feeds each step only dhs[t], dropping the dh_prev that flows back from step t+1."""
import numpy as np


def rnn_backward(dhs, cache):
    dxs, totals = [], {}
    for t in reversed(range(len(cache))):
        grads = rnn_cell_backward(dhs[t], cache[t])
        dxs.append(grads["x"])
        dh0 = grads["h_prev"]
        for name in WEIGHTS:
            totals[name] = totals[name] + grads[name] if name in totals else grads[name]
    return {"x": np.stack(dxs[::-1]), "h0": dh0, **totals}
