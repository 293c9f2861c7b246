"""zero_grad ignores set_to_none=False and drops the gradient tensors anyway."""


def zero_grad(params, set_to_none=True):
    for param in params:
        param.grad = None
