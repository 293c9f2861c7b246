"""init_params draws from torch's global generator, ignoring the one it is given."""
reference_init_params = init_params


def init_params(sizes=(784, 128, 10), *, generator=None, device="cpu", dtype=torch.float32):
    return reference_init_params(sizes, generator=None, device=device, dtype=dtype)
