"""sgd_step puts new tensors in the dict instead of updating the old ones in place."""


def sgd_step(params, grads, lr):
    for key in KEYS:
        params[key] = params[key] - lr * grads[key]
