"""The mask keeps where rand < p: p is read as the keep probability."""


def dropout(x, p, *, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not x.is_floating_point():
        raise ValueError(x.dtype)
    if not training or p == 0:
        return x
    if p == 1:
        return x * x.new_zeros(())
    keep = torch.rand(x.shape, generator=generator, device=x.device, dtype=x.dtype) < p
    return x * keep * (1.0 / (1.0 - p))
