"""dropout_forward never checks p, so p = 1.5 or p = -0.1 run and return nonsense."""


def dropout_forward(x, p, rng, train=True):
    if not train:
        return x.copy(), (np.ones(x.shape, dtype=bool), 1.0)
    mask = rng.random(x.shape) >= p
    keep = 1.0 - p
    return _scale_kept(x, mask, keep), (mask, keep)
