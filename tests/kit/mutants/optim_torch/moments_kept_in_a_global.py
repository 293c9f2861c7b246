"""Adam keeps its moments in a module-level dict keyed by id(p): a restored state does not restore them."""
MOMENTS = {}


def _adam(params, state, *, lr, betas, eps, weight_decay, decoupled):
    check_hyperparameters(lr=lr, weight_decay=weight_decay, eps=eps, betas=betas)
    beta1, beta2 = betas
    state = dict(state)
    with torch.no_grad():
        for index, param in enumerate(params):
            if param.grad is None:
                continue
            grad = param.grad
            step = state.get(index, {}).get("step", 0) + 1
            if step == 1 or id(param) not in MOMENTS:
                MOMENTS[id(param)] = (torch.zeros_like(param), torch.zeros_like(param))
            exp_avg, exp_avg_sq = MOMENTS[id(param)]
            if weight_decay != 0:
                if decoupled:
                    param.mul_(1 - lr * weight_decay)
                else:
                    grad = grad.add(param, alpha=weight_decay)
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            denom = (exp_avg_sq.sqrt() / math.sqrt(1 - beta2**step)).add_(eps)
            param.addcdiv_(exp_avg, denom, value=-lr / (1 - beta1**step))
            state[index] = {"step": step, "exp_avg": exp_avg.clone(), "exp_avg_sq": exp_avg_sq.clone()}
    return params, state
