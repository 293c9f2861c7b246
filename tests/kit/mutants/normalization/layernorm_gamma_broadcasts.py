"""layernorm_forward normalises over the last gamma.ndim axes without comparing shapes, so gamma (1,) broadcasts."""


def layernorm_forward(x, gamma, beta, eps=1e-5):
    axes = tuple(range(x.ndim - gamma.ndim, x.ndim))
    mean, var = _moments(x, axes)
    out, x_hat, inv_std = _normalize_forward(x, mean, var, gamma, beta, eps)
    cache = {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma,
             "stat_axes": axes, "param_axes": tuple(range(x.ndim - gamma.ndim))}
    return out, cache
