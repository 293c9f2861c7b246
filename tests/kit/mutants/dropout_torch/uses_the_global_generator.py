"""The mask is drawn from torch's global generator: the generator argument is ignored."""
reference_dropout = dropout


def dropout(x, p, *, training=True, generator=None):
    return reference_dropout(x, p, training=training, generator=None)
