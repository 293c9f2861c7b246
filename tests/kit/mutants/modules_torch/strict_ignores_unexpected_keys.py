"""load_state_dict(strict=True) refuses missing keys but silently skips unexpected ones."""
reference_load_state_dict = Module.load_state_dict


def _load_state_dict(self, state_dict, strict=True):
    own = dict(self.named_parameters(remove_duplicate=False))
    missing, unexpected = reference_load_state_dict(self, {k: v for k, v in state_dict.items() if k in own},
                                                    strict=strict)
    return missing, [k for k in state_dict if k not in own]


Module.load_state_dict = _load_state_dict
