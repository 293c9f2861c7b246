"""adamw_step adds weight_decay * p to the gradient (Adam's L2 penalty) instead of decaying p itself."""


def adamw_step(params, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    return adam_step(params, state, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
