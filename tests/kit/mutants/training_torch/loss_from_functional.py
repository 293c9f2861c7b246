"""train_step takes the loss from torch.nn.functional.cross_entropy (caught in the source)."""


def cross_entropy(logits, labels):
    return torch.nn.functional.cross_entropy(logits, labels)
