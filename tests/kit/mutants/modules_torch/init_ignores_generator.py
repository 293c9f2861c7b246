"""Linear draws from torch's global generator, ignoring the one it is given."""
reference_linear_init = Linear.__init__


def _init(self, in_features, out_features, bias=True, *, generator=None, device=None, dtype=None):
    reference_linear_init(self, in_features, out_features, bias, generator=None, device=device, dtype=dtype)


Linear.__init__ = _init
