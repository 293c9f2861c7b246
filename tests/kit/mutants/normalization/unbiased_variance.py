"""Both layers normalise with the unbiased variance (np.var(ddof=1), torch.var's default) instead of the biased one."""


def _moments(x, axes):
    mean = x.mean(axis=axes, keepdims=True)
    count = x.size // mean.size
    return mean, ((x - mean) ** 2).sum(axis=axes, keepdims=True) / max(count - 1, 1)
