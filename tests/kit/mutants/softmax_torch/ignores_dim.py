"""softmax and log_softmax always normalise the last axis, whatever dim says."""
reference_softmax, reference_log_softmax = softmax, log_softmax


def softmax(x, dim=-1):
    return reference_softmax(x, -1)


def log_softmax(x, dim=-1):
    return reference_log_softmax(x, -1)
