"""training=False is ignored: dropout still drops and rescales in evaluation."""
reference_dropout = dropout


def dropout(x, p, *, training=True, generator=None):
    return reference_dropout(x, p, training=True, generator=generator)
