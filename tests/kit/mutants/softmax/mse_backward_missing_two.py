"""mse_backward forgets the factor 2 from the derivative of the square."""
from solutions.softmax import *  # noqa: F403


def mse_backward(dloss, cache):
    return cache * (dloss / cache.size)
