"""rmsprop_step divides by sqrt(v + eps) instead of torch's sqrt(v) + eps."""
import numpy as np


def rmsprop_step(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False):
    check_step_inputs(params, grads, lr=lr, weight_decay=weight_decay)
    if alpha < 0 or eps < 0 or momentum < 0:
        raise ValueError("alpha, eps and momentum must be >= 0")
    next_params, next_state = {}, dict(state)
    for name, param in params.items():
        entry, grad = state.get(name, {}), grads[name] + weight_decay * params[name]
        zeros = np.zeros_like(param)
        square_avg = alpha * entry.get("square_avg", zeros) + (1 - alpha) * grad * grad
        new_entry = {"step": entry.get("step", 0) + 1, "square_avg": square_avg}
        variance = square_avg
        if centered:
            grad_avg = alpha * entry.get("grad_avg", zeros) + (1 - alpha) * grad
            new_entry["grad_avg"] = grad_avg
            variance = square_avg - grad_avg**2
        direction = grad / np.sqrt(variance + eps)
        if momentum > 0:
            direction = momentum * entry.get("momentum_buffer", zeros) + direction
            new_entry["momentum_buffer"] = direction
        next_params[name] = param - lr * direction
        next_state[name] = new_entry
    return next_params, next_state
