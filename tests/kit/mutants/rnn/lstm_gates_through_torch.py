"""lstm_cell_forward computes its sigmoid gates with torch.sigmoid instead of NumPy."""
import numpy as np
import torch


def lstm_cell_forward(x, h_prev, c_prev, w_ih, w_hh, b_ih, b_hh):
    hidden = h_prev.shape[1]
    a = torch.from_numpy(x @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)
    i, f, g, o = (a[:, k * hidden:(k + 1) * hidden] for k in range(4))
    i, f, o = (torch.sigmoid(z).numpy() for z in (i, f, o))
    g = np.tanh(g.numpy())
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    return o * tanh_c, c, (x, h_prev, c_prev, w_ih, w_hh, i, f, g, o, tanh_c)
