"""accuracy takes the argmax over axis 0 (the batch) and compares the first C labels with it."""
import numpy as np


def accuracy(scores, labels):
    if len(labels) == 0:
        return 0.0
    predictions = np.argmax(scores, axis=0)
    k = min(len(predictions), len(labels))
    return float(np.mean(predictions[:k] == labels[:k]))
