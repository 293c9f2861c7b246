"""mlp_forward takes the layers in the dict's insertion order instead of by the number in their keys."""

reference_forward = mlp_forward


def mlp_forward(params, x, activation="relu"):
    weights = [value for key, value in params.items() if key.startswith("w")]
    biases = [value for key, value in params.items() if key.startswith("b")]
    count_layers(params)
    renumbered = {}
    for i, (w, b) in enumerate(zip(weights, biases)):
        renumbered[f"w{i}"], renumbered[f"b{i}"] = w, b
    return reference_forward(renumbered, x, activation)
