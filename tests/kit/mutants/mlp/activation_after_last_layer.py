"""mlp_forward applies the activation after every layer, the last one included, so ReLU clips the scores."""


def mlp_forward(params, x, activation="relu"):
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    layers = count_layers(params)
    forward, _ = ACTIVATIONS[activation]
    hidden, caches = x, []
    for i in range(layers):
        hidden, linear_cache = linear_forward(hidden, params[f"w{i}"], params[f"b{i}"])
        hidden, activation_cache = forward(hidden)
        caches.append((linear_cache, activation_cache))
    return hidden, (activation, caches)
