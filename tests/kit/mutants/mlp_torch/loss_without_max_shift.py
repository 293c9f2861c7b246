"""cross_entropy exponentiates the logits directly: exp overflows for large logits."""


def cross_entropy(logits, labels):
    lse = logits.exp().sum(dim=1).log()
    return (lse - logits.gather(1, labels.unsqueeze(1)).squeeze(1)).mean()
