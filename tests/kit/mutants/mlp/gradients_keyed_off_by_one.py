"""mlp_backward numbers the gradients in the order it walks the reversed layers: the last layer's become w0, b0."""


def mlp_backward(dscores, cache):
    activation, caches = cache
    _, backward = ACTIVATIONS[activation]
    grads = {}
    dout = dscores
    for i, (linear_cache, activation_cache) in enumerate(reversed(caches)):
        if activation_cache is not None:
            dout = backward(dout, activation_cache)
        dout, grads[f"w{i}"], grads[f"b{i}"] = linear_backward(dout, linear_cache)
    return grads
