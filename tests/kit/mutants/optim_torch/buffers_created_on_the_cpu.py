"""Adam creates its moment buffers with torch.zeros(p.shape, dtype=p.dtype) and no device=."""
reference_adam = _adam


def _adam(params, state, **options):
    state = dict(state)
    for index, param in enumerate(params):
        if param.grad is not None and index not in state:
            zeros = torch.zeros(param.shape, dtype=param.dtype)
            state[index] = {"step": 0, "exp_avg": zeros.to(param.device) if param.device.type != "meta" else zeros,
                            "exp_avg_sq": torch.zeros(param.shape, dtype=param.dtype)}
    return reference_adam(params, state, **options)
