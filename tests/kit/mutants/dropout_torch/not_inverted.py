"""Classic dropout: the survivors are not rescaled by 1 / (1 - p)."""


def dropout(x, p, *, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not x.is_floating_point():
        raise ValueError(x.dtype)
    if not training or p == 0:
        return x
    keep = torch.rand(x.shape, generator=generator, device=x.device, dtype=x.dtype) >= p
    return x * keep
