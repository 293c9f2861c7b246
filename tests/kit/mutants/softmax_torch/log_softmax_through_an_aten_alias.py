"""log_softmax runs aten._log_softmax through torch.ops, reached by getattr (a dispatcher-level catch)."""


def log_softmax(x, dim=-1):
    operators = getattr(torch, "ops").aten
    return getattr(operators, "_log" + "_softmax")(x, dim, False)
