"""sgd_step starts the momentum buffer at zeros, so the first step is damped by (1 - dampening)."""
import numpy as np


def sgd_step(params, grads, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    check_step_inputs(params, grads, lr=lr, weight_decay=weight_decay)
    if momentum < 0:
        raise ValueError(f"momentum must be >= 0, got {momentum}")
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("nesterov requires momentum > 0 and dampening == 0")
    next_params, next_state = {}, dict(state)
    for name, param in params.items():
        grad = grads[name] + weight_decay * params[name]
        if momentum != 0:
            buffer = state.get(name, {}).get("momentum_buffer", np.zeros_like(param))
            buffer = momentum * buffer + (1 - dampening) * grad
            next_state[name] = {"momentum_buffer": buffer}
            grad = grad + momentum * buffer if nesterov else buffer
        next_params[name] = param - lr * grad
    return next_params, next_state
