"""zero_grad always zeroes the gradient in place, even for the default set_to_none=True."""
reference_zero_grad = zero_grad


def zero_grad(params, set_to_none=True):
    reference_zero_grad(params, set_to_none=False)
