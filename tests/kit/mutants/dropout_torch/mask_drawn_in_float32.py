"""The mask is drawn with torch.rand(x.shape, generator=..., device=...) and no dtype=: another draw for float64."""


def dropout(x, p, *, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not x.is_floating_point():
        raise ValueError(x.dtype)
    if not training or p == 0:
        return x
    if p == 1:
        return x * x.new_zeros(())
    keep = torch.rand(x.shape, generator=generator, device=x.device) >= p
    return x * keep * (1.0 / (1.0 - p))
