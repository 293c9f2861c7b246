"""cross_entropy builds its mean from Python floats: right value, no gradient."""
reference_cross_entropy = cross_entropy


def cross_entropy(logits, labels, reduction="mean"):
    losses = reference_cross_entropy(logits, labels, "none")
    if reduction == "none":
        return losses
    total = sum(loss.item() for loss in losses)
    value = total / len(losses) if reduction == "mean" else total
    return torch.tensor(value, dtype=logits.dtype, device=logits.device, requires_grad=True)
