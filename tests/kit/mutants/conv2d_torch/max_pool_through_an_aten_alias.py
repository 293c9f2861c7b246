"""max_pool2d runs aten.max_pool2d_with_indices through torch.ops, reached by getattr (a dispatcher-level catch)."""


def max_pool2d(x, kernel_size, stride=None):
    operators = getattr(torch, "ops").aten
    kernel = _pair(kernel_size, "kernel_size", 1)
    return getattr(operators, "max_pool2d" + "_with_indices")(x, kernel, kernel if stride is None else stride)[0]
