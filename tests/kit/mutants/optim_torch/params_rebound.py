"""The steps compute p = p - lr * d into new tensors and return those: the caller's tensors never move."""
reference_sgd_step, reference_adam = sgd_step, _adam


def _copies(params):
    copies = []
    for param in params:
        copy = param.detach().clone().requires_grad_(param.requires_grad)
        copy.grad = param.grad
        copies.append(copy)
    return copies


def sgd_step(params, state, **options):
    return reference_sgd_step(_copies(params), state, **options)


def _adam(params, state, **options):
    return reference_adam(_copies(params), state, **options)
