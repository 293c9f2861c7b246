"""load_state_dict copies without comparing shapes: copy_ broadcasts a (1,) tensor into any parameter."""


def _load_state_dict(self, state_dict, strict=True):
    own = dict(self.named_parameters(remove_duplicate=False))
    missing = [k for k in own if k not in state_dict]
    unexpected = [k for k in state_dict if k not in own]
    if strict and (missing or unexpected):
        raise KeyError(f"missing {missing}, unexpected {unexpected}")
    with torch.no_grad():
        for key, value in state_dict.items():
            if key in own:
                own[key].copy_(value)
    return missing, unexpected


Module.load_state_dict = _load_state_dict
