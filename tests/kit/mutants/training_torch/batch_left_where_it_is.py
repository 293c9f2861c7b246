"""train_step feeds the batch as it comes, never moving it to the parameters' device (or dtype)."""


def train_step(params, state, x, y, *, lr, optimizer="adam", momentum=0.0):
    logits, _ = forward(params, x)
    loss = cross_entropy(logits, y)
    loss.backward()
    leaves = [params[key] for key in KEYS]
    if optimizer == "adam":
        _, state = adam_step(leaves, state, lr=lr)
    else:
        _, state = sgd_step(leaves, state, lr=lr, momentum=momentum)
    zero_grad(leaves)
    return loss.detach(), (logits.detach().argmax(dim=1) == y).sum(), state
