"""batchnorm_forward never checks shapes: (N, C, L) is accepted and (1,) parameters broadcast over every channel."""


def batchnorm_forward(x, gamma, beta, running_mean, running_var, *, train=True, momentum=0.1, eps=1e-5):
    axes = (0, *range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    count = max(x.size // x.shape[1], 2)
    if train:
        mean, var = _moments(x, axes)
        next_mean = (1 - momentum) * running_mean + momentum * mean.reshape(-1)
        next_var = (1 - momentum) * running_var + momentum * var.reshape(-1) * (count / (count - 1))
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
        next_mean, next_var = running_mean.copy(), running_var.copy()
    out, x_hat, inv_std = _normalize_forward(x, mean, var, gamma.reshape(shape), beta.reshape(shape), eps)
    cache = {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma.reshape(shape),
             "stat_axes": axes if train else None, "param_axes": axes}
    return out, cache, next_mean, next_var
