"""dropout calls torch.dropout through a name built at run time (only the guard can see it)."""


def dropout(x, p, *, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(p)
    return getattr(torch, "drop" + "out")(x, p, training)
