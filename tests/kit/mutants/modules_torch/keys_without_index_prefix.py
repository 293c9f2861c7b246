"""named_parameters drops the module-name prefix: keys 'weight', 'bias' instead of '0.weight', '0.bias'."""


def _named_parameters(self, prefix="", remove_duplicate=True):
    for _, module in self.named_modules(prefix):
        for name, tensor in module._parameters.items():
            if tensor is not None:
                yield name, tensor


Module.named_parameters = _named_parameters
