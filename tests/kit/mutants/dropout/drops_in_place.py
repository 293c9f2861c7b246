"""dropout_forward zeroes and rescales x in place (x[~mask] = 0; x /= 1 - p), changing the caller's array."""


def dropout_forward(x, p, rng, train=True):
    if not 0 <= p <= 1:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    if not train:
        return x, (np.ones(x.shape, dtype=bool), 1.0)
    mask = rng.random(x.shape) >= p
    keep = 1.0 - p
    x[~mask] = 0
    if keep:
        x /= keep
    return x, (mask, keep)
