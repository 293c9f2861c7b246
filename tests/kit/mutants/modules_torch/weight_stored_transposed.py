"""Linear stores weight as (in_features, out_features) and computes x @ weight + bias."""
reference_linear_init = Linear.__init__


def _init(self, in_features, out_features, bias=True, *, generator=None, device=None, dtype=None):
    reference_linear_init(self, in_features, out_features, bias, generator=generator, device=device, dtype=dtype)
    self.register_parameter("weight", self.weight.detach().T.contiguous())
    if self.bias is not None:
        self.register_parameter("bias", self.bias.detach())


def _forward(self, x):
    out = x @ self.weight
    return out + self.bias if self.bias is not None else out


Linear.__init__ = _init
Linear.forward = _forward
