"""batchnorm_forward weights the running statistics by momentum: momentum * running + (1 - momentum) * batch."""

reference_forward = batchnorm_forward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, *, train=True, momentum=0.1, eps=1e-5):
    return reference_forward(x, gamma, beta, running_mean, running_var, train=train, momentum=1 - momentum, eps=eps)
