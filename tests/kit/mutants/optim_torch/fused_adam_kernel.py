"""adam_step calls the fused kernel torch._fused_adam_, found by getattr (a dispatcher-level catch)."""


def adam_step(params, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    check_hyperparameters(lr=lr, weight_decay=weight_decay, eps=eps, betas=betas)
    kernel = getattr(torch, "_fused" + "_adam_")
    state = dict(state)
    live = [i for i, p in enumerate(params) if p.grad is not None]
    for i in live:
        entry = state.get(i) or {"step": 0, "exp_avg": torch.zeros_like(params[i]),
                                 "exp_avg_sq": torch.zeros_like(params[i])}
        state[i] = dict(entry, step=entry["step"] + 1)
    steps = [torch.tensor(float(state[i]["step"]), device=params[i].device) for i in live]
    with torch.no_grad():
        kernel([params[i] for i in live], [params[i].grad for i in live], [state[i]["exp_avg"] for i in live],
               [state[i]["exp_avg_sq"] for i in live], [], steps, lr=lr, beta1=betas[0], beta2=betas[1],
               weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)
    return params, state
