"""Adam keeps one step, exp_avg and exp_avg_sq for all parameters instead of one set per parameter."""
import numpy as np


def adam_update(params, grads, state, *, lr, betas, eps, weight_decay, amsgrad, decoupled):
    check_step_inputs(params, grads, lr=lr, weight_decay=weight_decay)
    beta1, beta2 = betas
    if not (0 <= beta1 < 1 and 0 <= beta2 < 1) or eps < 0:
        raise ValueError(f"betas must lie in [0, 1) and eps be >= 0, got {betas}, {eps}")
    step = state.get("step", 0) + 1
    exp_avg, exp_avg_sq, max_sq = state.get("exp_avg", 0.0), state.get("exp_avg_sq", 0.0), state.get("max", 0.0)
    next_params = {}
    for name, param in params.items():
        grad = grads[name]
        if weight_decay != 0:
            if decoupled:
                param = param * (1 - lr * weight_decay)
            else:
                grad = grad + weight_decay * param
        exp_avg = beta1 * exp_avg + (1 - beta1) * grad
        exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
        second = exp_avg_sq
        if amsgrad:
            max_sq = second = np.maximum(max_sq, exp_avg_sq)
        denominator = np.sqrt(second / (1 - beta2**step)) + eps
        next_params[name] = param - lr * exp_avg / (1 - beta1**step) / denominator
    return next_params, {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq, "max": max_sq}
