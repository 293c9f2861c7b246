"""No shortcut for p = 0: a mask is drawn (advancing the generator) and a copy of x returned."""


def dropout(x, p, *, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not x.is_floating_point():
        raise ValueError(x.dtype)
    if not training:
        return x
    if p == 1:
        return x * x.new_zeros(())
    keep = torch.rand(x.shape, generator=generator, device=x.device, dtype=x.dtype) >= p
    return x * keep * (1.0 / (1.0 - p))
