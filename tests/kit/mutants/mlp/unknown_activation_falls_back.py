"""mlp_forward picks the activation with an if-chain whose else branch silently takes tanh for any other name."""

reference_forward = mlp_forward


def mlp_forward(params, x, activation="relu"):
    if activation not in ("relu", "leaky_relu", "sigmoid"):
        activation = "tanh"
    return reference_forward(params, x, activation)
