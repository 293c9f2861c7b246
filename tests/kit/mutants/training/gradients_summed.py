"""mlp_objective returns the gradients of the SUMMED batch loss (N times too large); Adam hides it, SGD does not."""

reference_mlp_objective = mlp_objective


def mlp_objective(params, x, y):
    loss, grads, scores = reference_mlp_objective(params, x, y)
    return loss, {name: grad * len(y) for name, grad in grads.items()}, scores
