"""batchnorm_forward updates running_var with the biased batch variance (divide by m, not m - 1)."""

reference_forward = batchnorm_forward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, *, train=True, momentum=0.1, eps=1e-5):
    out, cache, next_mean, next_var = reference_forward(x, gamma, beta, running_mean, running_var,
                                                        train=train, momentum=momentum, eps=eps)
    if train:
        _, var = _moments(x, (0, *range(2, x.ndim)))
        next_var = (1 - momentum) * running_var + momentum * var.reshape(-1)
    return out, cache, next_mean, next_var
