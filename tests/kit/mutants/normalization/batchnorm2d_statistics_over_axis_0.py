"""batchnorm_forward reuses the (N, C) code on (N, C, H, W): statistics over axis 0 alone, one per (c, h, w)."""


def batchnorm_forward(x, gamma, beta, running_mean, running_var, *, train=True, momentum=0.1, eps=1e-5):
    channels = x.shape[1]
    shape = (1, channels) + (1,) * (x.ndim - 2)
    if train:
        mean = x.mean(axis=0, keepdims=True)
        var = x.var(axis=0, keepdims=True)
        count = x.shape[0]
        flat_mean = mean.reshape(channels, -1).mean(axis=1)
        flat_var = var.reshape(channels, -1).mean(axis=1)
        next_mean = (1 - momentum) * running_mean + momentum * flat_mean
        next_var = (1 - momentum) * running_var + momentum * flat_var * count / (count - 1)
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
        next_mean, next_var = running_mean.copy(), running_var.copy()
    out, x_hat, inv_std = _normalize_forward(x, mean, var, gamma.reshape(shape), beta.reshape(shape), eps)
    axes = (0, *range(2, x.ndim))
    cache = {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma.reshape(shape),
             "stat_axes": (0,) if train else None, "param_axes": axes}
    return out, cache, next_mean, next_var
