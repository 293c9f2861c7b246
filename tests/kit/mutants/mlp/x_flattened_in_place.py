"""mlp_forward flattens the input once by assigning x.shape, which reshapes the caller's array."""

reference_forward = mlp_forward


def mlp_forward(params, x, activation="relu"):
    x.shape = (x.shape[0], -1)
    return reference_forward(params, x, activation)
