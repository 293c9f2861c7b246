"""No special case for p = 1: x * keep / (1 - p) is 0 / 0 = nan everywhere."""


def dropout(x, p, *, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not x.is_floating_point():
        raise ValueError(x.dtype)
    if not training or p == 0:
        return x
    keep = torch.rand(x.shape, generator=generator, device=x.device, dtype=x.dtype) >= p
    return x * keep / x.new_tensor(1 - p)
