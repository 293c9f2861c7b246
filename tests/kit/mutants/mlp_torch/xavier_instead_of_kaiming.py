"""init_params draws weights with std sqrt(1 / fan_in) (LeCun/Xavier), not Kaiming's sqrt(2 / fan_in)."""
reference_init_params = init_params


def init_params(sizes=(784, 128, 10), *, generator=None, device="cpu", dtype=torch.float32):
    params = reference_init_params(sizes, generator=generator, device=device, dtype=dtype)
    return {key: value / math.sqrt(2.0) if key.startswith("w") else value for key, value in params.items()}
