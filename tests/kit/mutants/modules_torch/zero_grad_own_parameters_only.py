"""zero_grad clears the module's own parameters and forgets the sub-modules'."""


def _zero_grad(self):
    for tensor in self._parameters.values():
        if tensor is not None:
            tensor.grad = None


Module.zero_grad = _zero_grad
