"""linear_forward flattens x by assigning x.shape, which reshapes the caller's array."""


def linear_forward(x, w, b):
    x.shape = (x.shape[0], -1)
    return x @ w + b, (x, w, b)
