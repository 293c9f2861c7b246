"""batchnorm_forward updates the caller's running_mean and running_var in place (*=, +=), as torch's buffers are."""

reference_forward = batchnorm_forward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, *, train=True, momentum=0.1, eps=1e-5):
    out, cache, next_mean, next_var = reference_forward(x, gamma, beta, running_mean, running_var,
                                                        train=train, momentum=momentum, eps=eps)
    if train:
        running_mean *= 0
        running_mean += next_mean
        running_var *= 0
        running_var += next_var
    return out, cache, running_mean, running_var
