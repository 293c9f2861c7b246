"""mlp_backward chains the linear layers' backward passes but never backpropagates through the activations."""


def mlp_backward(dscores, cache):
    _, caches = cache
    grads = {}
    dout = dscores
    for i in reversed(range(len(caches))):
        linear_cache, _ = caches[i]
        dout, grads[f"w{i}"], grads[f"b{i}"] = linear_backward(dout, linear_cache)
    return grads
