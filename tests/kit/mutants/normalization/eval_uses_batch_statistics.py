"""batchnorm_forward ignores train=False and still normalises with the batch's own statistics."""

reference_forward = batchnorm_forward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, *, train=True, momentum=0.1, eps=1e-5):
    out, cache, next_mean, next_var = reference_forward(x, gamma, beta, running_mean, running_var,
                                                        train=True, momentum=momentum, eps=eps)
    if not train:
        next_mean, next_var = running_mean.copy(), running_var.copy()
    return out, cache, next_mean, next_var
