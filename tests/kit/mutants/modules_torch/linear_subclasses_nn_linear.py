"""Linear wraps torch.nn.Linear instead of keeping its own tensors (caught in the source)."""


class Linear(Module):
    def __init__(self, in_features, out_features, bias=True, *, generator=None, device=None, dtype=None):
        super().__init__()
        self.inner = torch.nn.Linear(in_features, out_features, bias, device=device, dtype=dtype)

    def forward(self, x):
        return self.inner(x)
