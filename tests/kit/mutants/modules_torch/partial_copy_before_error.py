"""strict load_state_dict copies the matching keys first and raises about the bad ones afterwards."""


def _load_state_dict(self, state_dict, strict=True):
    own = dict(self.named_parameters(remove_duplicate=False))
    with torch.no_grad():
        for key, value in state_dict.items():
            if key in own:
                if tuple(value.shape) != tuple(own[key].shape):
                    raise ValueError(f"size mismatch for {key}")
                own[key].copy_(value)
    missing = [k for k in own if k not in state_dict]
    unexpected = [k for k in state_dict if k not in own]
    if strict and (missing or unexpected):
        raise KeyError(f"missing {missing}, unexpected {unexpected}")
    return missing, unexpected


Module.load_state_dict = _load_state_dict
