"""dropout_forward hands the work to torch.nn.functional.dropout with a generator seeded from rng."""
import torch


def dropout_forward(x, p, rng, train=True):
    if not 0 <= p <= 1:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    if not train:
        return x.copy(), (np.ones(x.shape, dtype=bool), 1.0)
    torch.manual_seed(int(rng.integers(2**31)))
    out = torch.nn.functional.dropout(torch.from_numpy(x), p=p, training=True).numpy()
    return out, (out != 0, 1.0 - p)
