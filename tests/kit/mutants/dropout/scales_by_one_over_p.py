"""dropout_forward divides the survivors by p instead of by the keep probability 1 - p."""


def dropout_forward(x, p, rng, train=True):
    if not 0 <= p <= 1:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    if not train:
        return x.copy(), (np.ones(x.shape, dtype=bool), 1.0)
    mask = rng.random(x.shape) >= p
    return x * mask / p, (mask, p)
