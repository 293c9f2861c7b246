"""dropout_forward draws the mask with rng.binomial, not the documented rng.random(x.shape) >= p."""


def dropout_forward(x, p, rng, train=True):
    if not 0 <= p <= 1:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    if not train:
        return x.copy(), (np.ones(x.shape, dtype=bool), 1.0)
    mask = rng.binomial(1, 1.0 - p, size=x.shape).astype(bool)
    keep = 1.0 - p
    return _scale_kept(x, mask, keep), (mask, keep)
