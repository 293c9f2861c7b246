"""sgd_step accepts nesterov=True but takes the plain momentum step d = b."""
reference_sgd_step = sgd_step


def sgd_step(params, state, *, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    return reference_sgd_step(params, state, lr=lr, momentum=momentum, dampening=dampening,
                              weight_decay=weight_decay)
