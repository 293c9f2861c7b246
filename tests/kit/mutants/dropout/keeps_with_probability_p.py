"""dropout_forward keeps an element when rng.random() < p, so p becomes the keep probability."""


def dropout_forward(x, p, rng, train=True):
    if not 0 <= p <= 1:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    if not train:
        return x.copy(), (np.ones(x.shape, dtype=bool), 1.0)
    mask = rng.random(x.shape) < p
    keep = 1.0 - p
    return _scale_kept(x, mask, keep), (mask, keep)
