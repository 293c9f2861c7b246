"""Adam keeps each parameter's state in a dataclass: not plain data, refused by torch.load(weights_only=True)."""
import dataclasses

reference_adam = _adam


@dataclasses.dataclass
class AdamState:
    step: int
    exp_avg: torch.Tensor
    exp_avg_sq: torch.Tensor


def _adam(params, state, **options):
    plain = {index: dataclasses.asdict(entry) for index, entry in state.items()}
    params, next_state = reference_adam(params, plain, **options)
    return params, {index: AdamState(**entry) for index, entry in next_state.items()}
