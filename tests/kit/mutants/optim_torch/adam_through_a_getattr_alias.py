"""adam_step reaches torch.optim through a name built at run time (only the guard sees its frames run)."""


def adam_step(params, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    library = getattr(torch, "op" + "tim")
    optimizer = library.Adam(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=False)
    for i, entry in state.items():
        optimizer.state[params[i]] = {"step": torch.tensor(float(entry["step"])),
                                      "exp_avg": entry["exp_avg"], "exp_avg_sq": entry["exp_avg_sq"]}
    optimizer.step()
    return params, {i: {"step": int(optimizer.state[p]["step"]), "exp_avg": optimizer.state[p]["exp_avg"],
                        "exp_avg_sq": optimizer.state[p]["exp_avg_sq"]}
                    for i, p in enumerate(params) if p in optimizer.state}
