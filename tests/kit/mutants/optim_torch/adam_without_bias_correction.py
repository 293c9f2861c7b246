"""Adam divides the raw moments: no 1 - beta**t bias correction, so the first steps are far too small."""


def _adam(params, state, *, lr, betas, eps, weight_decay, decoupled):
    check_hyperparameters(lr=lr, weight_decay=weight_decay, eps=eps, betas=betas)
    beta1, beta2 = betas
    state = dict(state)
    with torch.no_grad():
        for index, param in enumerate(params):
            if param.grad is None:
                continue
            grad = param.grad
            entry = state.get(index) or {"step": 0, "exp_avg": torch.zeros_like(param),
                                         "exp_avg_sq": torch.zeros_like(param)}
            if weight_decay != 0:
                if decoupled:
                    param.mul_(1 - lr * weight_decay)
                else:
                    grad = grad.add(param, alpha=weight_decay)
            entry["exp_avg"].lerp_(grad, 1 - beta1)
            entry["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            param.addcdiv_(entry["exp_avg"], entry["exp_avg_sq"].sqrt().add_(eps), value=-lr)
            state[index] = dict(entry, step=entry["step"] + 1)
    return params, state
