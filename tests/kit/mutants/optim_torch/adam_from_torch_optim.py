"""adam_step hands the work to torch.optim.Adam (caught in the source)."""


def adam_step(params, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    optimizer = torch.optim.Adam(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
    optimizer.state.update({params[i]: entry for i, entry in state.items()})
    optimizer.step()
    return params, {i: optimizer.state[p] for i, p in enumerate(params) if p in optimizer.state}
