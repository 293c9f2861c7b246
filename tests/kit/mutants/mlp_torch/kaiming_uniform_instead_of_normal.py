"""init_params draws uniform weights with Kaiming's std (kaiming_uniform), not a normal."""


def init_params(sizes=(784, 128, 10), *, generator=None, device="cpu", dtype=torch.float32):
    d, h, c = sizes
    w1 = (torch.rand(d, h, generator=generator, dtype=dtype) * 2 - 1) * math.sqrt(6.0 / d)
    w2 = (torch.rand(h, c, generator=generator, dtype=dtype) * 2 - 1) * math.sqrt(6.0 / h)
    params = {"w1": w1, "b1": torch.zeros(h, dtype=dtype), "w2": w2, "b2": torch.zeros(c, dtype=dtype)}
    return {key: value.to(device) for key, value in params.items()}
