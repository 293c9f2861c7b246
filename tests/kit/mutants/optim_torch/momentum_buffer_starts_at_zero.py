"""SGD's momentum buffer starts at zeros, so the first step adds (1 - dampening) * g instead of g."""
reference_sgd_step = sgd_step


def sgd_step(params, state, *, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    state = dict(state)
    if momentum != 0:
        for index, param in enumerate(params):
            if param.grad is not None and index not in state:
                state[index] = {"momentum_buffer": torch.zeros_like(param)}
    return reference_sgd_step(params, state, lr=lr, momentum=momentum, dampening=dampening,
                              weight_decay=weight_decay, nesterov=nesterov)
