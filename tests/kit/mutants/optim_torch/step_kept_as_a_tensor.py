"""Adam keeps the step count as a float tensor (as torch.optim does) instead of a Python int."""
reference_adam = _adam


def _adam(params, state, **options):
    plain = {index: dict(entry, step=int(entry["step"])) for index, entry in state.items()}
    params, next_state = reference_adam(params, plain, **options)
    return params, {index: dict(entry, step=torch.tensor(float(entry["step"]))) for index, entry in next_state.items()}
