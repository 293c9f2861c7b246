"""train_step never clears the gradients (no zero_grad): each backward adds to the sum of every earlier batch's."""


def zero_grad(params, set_to_none=True):
    """Forgotten: every p.grad keeps what the earlier backwards left in it."""
