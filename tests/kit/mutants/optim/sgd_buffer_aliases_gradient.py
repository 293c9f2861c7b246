"""sgd_step stores the first gradient itself as the momentum buffer: the state aliases the caller's array."""


def sgd_step(params, grads, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    check_step_inputs(params, grads, lr=lr, weight_decay=weight_decay)
    if momentum < 0:
        raise ValueError(f"momentum must be >= 0, got {momentum}")
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("nesterov requires momentum > 0 and dampening == 0")
    next_params, next_state = {}, dict(state)
    for name, param in params.items():
        grad = grads[name] if weight_decay == 0 else grads[name] + weight_decay * param
        if momentum != 0:
            previous = state.get(name, {}).get("momentum_buffer")
            buffer = grad if previous is None else momentum * previous + (1 - dampening) * grad
            next_state[name] = {"momentum_buffer": buffer}
            grad = grad + momentum * buffer if nesterov else buffer
        next_params[name] = param - lr * grad
    return next_params, next_state
