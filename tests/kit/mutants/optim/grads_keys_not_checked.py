"""The optimizers loop over params and look up grads[name]: an extra gradient is silently ignored."""


def check_step_inputs(params, grads, *, lr, weight_decay):
    if lr < 0:
        raise ValueError(f"lr must be >= 0, got {lr}")
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
