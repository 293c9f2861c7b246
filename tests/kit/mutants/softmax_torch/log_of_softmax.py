"""log_softmax takes the log of softmax: log(0) = -inf for confident mistakes."""


def log_softmax(x, dim=-1):
    return softmax(x, dim).log()
