"""adamw_step is Adam with weight_decay added to the gradient (coupled L2), not decoupled decay."""


def adamw_step(params, grads, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    return adam_step(params, grads, state, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
