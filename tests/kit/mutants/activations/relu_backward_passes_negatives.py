"""ReLU backward lets the gradient through wherever x != 0, negatives included."""
from solutions.activations import *  # noqa: F403


def relu_backward(dout, cache):
    return dout * (cache != 0)
