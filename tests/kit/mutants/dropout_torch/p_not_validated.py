"""p is not checked: p = 1.5 or p = -0.1 runs and returns nonsense."""


def dropout(x, p, *, training=True, generator=None):
    if not training or p <= 0:
        return x
    if p >= 1:
        return x * x.new_zeros(())
    keep = torch.rand(x.shape, generator=generator, device=x.device, dtype=x.dtype) >= p
    return x * keep * (1.0 / (1.0 - p))
