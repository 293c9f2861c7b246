"""mse_backward forgets the factor 2 from the derivative of the square."""


def mse_backward(dloss, cache):
    return cache * (dloss / cache.size)
