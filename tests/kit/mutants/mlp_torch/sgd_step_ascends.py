"""sgd_step adds the gradient instead of subtracting it."""


def sgd_step(params, grads, lr):
    with torch.no_grad():
        for key in KEYS:
            params[key].add_(grads[key], alpha=lr)
