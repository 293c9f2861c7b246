"""numerical_gradient differentiates sum(f(x)) even when dout is given."""
reference = numerical_gradient


def numerical_gradient(f, x, dout=None, h=1e-6):
    return reference(f, x, None, h)
