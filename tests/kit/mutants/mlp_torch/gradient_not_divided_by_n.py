"""backward differentiates the summed loss: every gradient is N times too large."""
reference_backward = backward


def backward(params, cache, labels):
    n = cache[0].shape[0]
    return {key: grad * n for key, grad in reference_backward(params, cache, labels).items()}
