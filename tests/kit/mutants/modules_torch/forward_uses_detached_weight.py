"""Linear.forward reads weight.detach() (like .data): right outputs, no gradient for the weight."""


def _forward(self, x):
    out = x @ self.weight.detach().T
    return out + self.bias if self.bias is not None else out


Linear.forward = _forward
