"""dropout_forward draws the mask before looking at train, so evaluation advances the generator."""


def dropout_forward(x, p, rng, train=True):
    if not 0 <= p <= 1:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    mask = rng.random(x.shape) >= p
    if not train:
        return x.copy(), (np.ones(x.shape, dtype=bool), 1.0)
    keep = 1.0 - p
    return _scale_kept(x, mask, keep), (mask, keep)
