"""Sigmoid backward written as dout * x * (1 - x), with x the input instead of the output."""
reference_forward = sigmoid_forward


def sigmoid_forward(x):
    out, _ = reference_forward(x)
    return out, x


def sigmoid_backward(dout, cache):
    return dout * cache * (1 - cache)
