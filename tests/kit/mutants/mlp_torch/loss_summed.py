"""cross_entropy sums the per-example losses instead of averaging them."""
reference_cross_entropy = cross_entropy


def cross_entropy(logits, labels):
    return reference_cross_entropy(logits, labels) * logits.shape[0]
