"""accuracy returns the number of correct rows, as a tensor, instead of the fraction as a float."""


def accuracy(params, x, labels):
    logits, _ = forward(params, x)
    return (logits.argmax(dim=1) == labels).sum()
