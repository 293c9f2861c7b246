"""init_params stores the weights as (out, in), nn.Linear's layout, and forward transposes them."""
reference_init_params, reference_forward = init_params, forward


def init_params(sizes=(784, 128, 10), *, generator=None, device="cpu", dtype=torch.float32):
    params = reference_init_params(sizes, generator=generator, device=device, dtype=dtype)
    return {key: value.T.contiguous() if key.startswith("w") else value for key, value in params.items()}
