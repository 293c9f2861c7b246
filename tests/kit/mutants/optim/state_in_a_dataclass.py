"""adam_step keeps each parameter's moments in a dataclass instance instead of a plain dict."""
from dataclasses import dataclass

reference_adam_update = adam_update


@dataclass
class Moments:
    step: int
    exp_avg: object
    exp_avg_sq: object
    max_exp_avg_sq: object = None


def adam_update(params, grads, state, **options):
    plain = {name: {key: value for key, value in vars(moments).items() if value is not None}
             for name, moments in state.items()}
    next_params, next_state = reference_adam_update(params, grads, plain, **options)
    return next_params, {name: Moments(**entry) for name, entry in next_state.items()}
