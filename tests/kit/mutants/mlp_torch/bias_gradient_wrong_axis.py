"""backward sums the output-bias gradient over the classes (axis 1) instead of the batch (axis 0)."""
reference_backward = backward


def backward(params, cache, labels):
    grads = reference_backward(params, cache, labels)
    x, z1, h, logits = cache
    with torch.no_grad():
        probs = (logits - logits.amax(dim=1, keepdim=True)).exp()
        probs = probs / probs.sum(dim=1, keepdim=True)
        dlogits = (probs - torch.zeros_like(probs).scatter_(1, labels.unsqueeze(1), 1.0)) / logits.shape[0]
    grads["b2"] = dlogits.sum(dim=1)
    return grads
