"""A parameter whose grad is None is updated with a zero gradient: momentum keeps moving it."""
reference_sgd_step, reference_adam = sgd_step, _adam


def _fill(params):
    for param in params:
        if param.grad is None:
            param.grad = torch.zeros_like(param)
    return params


def sgd_step(params, state, **options):
    return reference_sgd_step(_fill(params), state, **options)


def _adam(params, state, **options):
    return reference_adam(_fill(params), state, **options)
