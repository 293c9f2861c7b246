"""dropout_forward ignores train and drops and rescales in evaluation too."""

reference_forward = dropout_forward


def dropout_forward(x, p, rng, train=True):
    return reference_forward(x, p, rng, train=True)
