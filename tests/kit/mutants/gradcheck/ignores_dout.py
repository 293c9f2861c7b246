"""numerical_gradient differentiates sum(f(x)) even when dout is given."""
from solutions.gradcheck import *  # noqa: F403
from solutions.gradcheck import numerical_gradient as reference


def numerical_gradient(f, x, dout=None, h=1e-6):
    return reference(f, x, None, h)
