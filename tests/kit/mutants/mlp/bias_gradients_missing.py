"""mlp_backward keeps only the weight gradients and drops every db."""


def mlp_backward(dscores, cache):
    activation, caches = cache
    _, backward = ACTIVATIONS[activation]
    grads = {}
    dout = dscores
    for i in reversed(range(len(caches))):
        linear_cache, activation_cache = caches[i]
        if activation_cache is not None:
            dout = backward(dout, activation_cache)
        dout, grads[f"w{i}"], _ = linear_backward(dout, linear_cache)
    return grads
