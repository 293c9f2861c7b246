"""cross_entropy_forward indexes with the labels unchecked: -1 silently picks the last class."""
import numpy as np


def cross_entropy_forward(logits, labels):
    log_probabilities, _ = log_softmax_forward(logits)
    loss = -log_probabilities[np.arange(logits.shape[0]), labels].mean()
    return float(loss), (log_probabilities, labels)
