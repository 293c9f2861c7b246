"""Adam divides by v_hat + eps, forgetting the square root of the second moment."""
import numpy as np


def adam_update(params, grads, state, *, lr, betas, eps, weight_decay, amsgrad, decoupled):
    check_step_inputs(params, grads, lr=lr, weight_decay=weight_decay)
    beta1, beta2 = betas
    if not (0 <= beta1 < 1 and 0 <= beta2 < 1) or eps < 0:
        raise ValueError(f"betas must lie in [0, 1) and eps be >= 0, got {betas}, {eps}")
    next_params, next_state = {}, dict(state)
    for name, param in params.items():
        entry, grad = state.get(name, {}), grads[name]
        zeros = np.zeros_like(param)
        step = entry.get("step", 0) + 1
        if weight_decay != 0:
            if decoupled:
                param = param * (1 - lr * weight_decay)
            else:
                grad = grad + weight_decay * param
        exp_avg = beta1 * entry.get("exp_avg", zeros) + (1 - beta1) * grad
        exp_avg_sq = beta2 * entry.get("exp_avg_sq", zeros) + (1 - beta2) * grad * grad
        new_entry = {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
        second = exp_avg_sq
        if amsgrad:
            second = np.maximum(entry.get("max_exp_avg_sq", zeros), exp_avg_sq)
            new_entry["max_exp_avg_sq"] = second
        m_hat, v_hat = exp_avg / (1 - beta1**step), second / (1 - beta2**step)
        next_params[name] = param - lr * m_hat / (v_hat + eps)
        next_state[name] = new_entry
    return next_params, next_state
