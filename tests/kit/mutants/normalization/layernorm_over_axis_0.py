"""layernorm_forward takes its statistics over axis 0 (the batch, like batch norm) instead of the trailing axes."""


def layernorm_forward(x, gamma, beta, eps=1e-5):
    if x.shape[x.ndim - gamma.ndim:] != gamma.shape:
        raise ValueError(f"x must end with {gamma.shape}")
    mean, var = _moments(x, (0,))
    out, x_hat, inv_std = _normalize_forward(x, mean, var, gamma, beta, eps)
    cache = {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma,
             "stat_axes": (0,), "param_axes": tuple(range(x.ndim - gamma.ndim))}
    return out, cache
