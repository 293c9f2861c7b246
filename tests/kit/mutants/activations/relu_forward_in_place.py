"""ReLU forward clips the caller's array in place."""


def relu_forward(x):
    x[x < 0] = 0
    return x, x.copy()
