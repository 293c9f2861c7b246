"""rmsprop_step starts its averages with np.zeros(param.shape), float64 whatever the parameter's dtype."""
import numpy as np

reference_rmsprop_step = rmsprop_step


def rmsprop_step(params, grads, state, **options):
    if not state:
        state = {name: {"square_avg": np.zeros(param.shape), "grad_avg": np.zeros(param.shape),
                        "momentum_buffer": np.zeros(param.shape)} for name, param in params.items()}
    return reference_rmsprop_step(params, grads, state, **options)
