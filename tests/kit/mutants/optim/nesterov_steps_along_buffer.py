"""sgd_step with nesterov=True steps along the buffer, as plain momentum, not grad + momentum * buffer."""

reference_sgd_step = sgd_step


def sgd_step(params, grads, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("nesterov requires momentum > 0 and dampening == 0")
    return reference_sgd_step(params, grads, state, lr=lr, momentum=momentum, dampening=dampening,
                              nesterov=False, weight_decay=weight_decay)
