"""Linear draws from U(-1/sqrt(out_features), 1/sqrt(out_features)): the wrong fan."""
reference_linear_init = Linear.__init__


def _init(self, in_features, out_features, bias=True, *, generator=None, device=None, dtype=None):
    reference_linear_init(self, in_features, out_features, bias, generator=generator, device=device, dtype=dtype)
    with torch.no_grad():
        for tensor in self.parameters():
            tensor.mul_(math.sqrt(in_features / out_features))


Linear.__init__ = _init
