"""lstm_backward carries dh between steps but passes dc = 0 to every step, cutting the cell state's gradient path."""
import numpy as np


def lstm_backward(dhs, cache):
    dh_next = np.zeros_like(dhs[0])
    dxs, totals = [], {}
    for t in reversed(range(len(cache))):
        grads = lstm_cell_backward(dhs[t] + dh_next, np.zeros_like(dh_next), cache[t])
        dxs.append(grads["x"])
        dh_next = grads["h_prev"]
        for name in WEIGHTS:
            totals[name] = totals[name] + grads[name] if name in totals else grads[name]
    return {"x": np.stack(dxs[::-1]), "h0": dh_next, "c0": grads["c_prev"], **totals}
