"""load_state_dict is always strict: strict=False still raises on missing keys."""
reference_load_state_dict = Module.load_state_dict


def _load_state_dict(self, state_dict, strict=True):
    return reference_load_state_dict(self, state_dict, strict=True)


Module.load_state_dict = _load_state_dict
