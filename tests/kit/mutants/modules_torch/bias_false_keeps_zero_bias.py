"""Linear(bias=False) registers a zero bias instead of none, so its state dict has a 'bias' key."""
reference_linear_init = Linear.__init__


def _init(self, in_features, out_features, bias=True, *, generator=None, device=None, dtype=None):
    reference_linear_init(self, in_features, out_features, True, generator=generator, device=device, dtype=dtype)
    if not bias:
        with torch.no_grad():
            self.bias.zero_()


Linear.__init__ = _init
