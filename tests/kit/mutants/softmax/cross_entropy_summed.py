"""cross_entropy sums over the batch instead of averaging, in forward and backward."""
import numpy as np

reference_forward = cross_entropy_forward


def cross_entropy_forward(logits, labels):
    loss, cache = reference_forward(logits, labels)
    return loss * logits.shape[0], cache


def cross_entropy_backward(dloss, cache):
    log_probabilities, labels = cache
    dlogits = np.exp(log_probabilities)
    dlogits[np.arange(len(labels)), labels] -= 1
    return dlogits * dloss
