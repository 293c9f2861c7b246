"""state_dict returns the parameters themselves, still requiring grad, instead of detached views."""


def _state_dict(self):
    return dict(self.named_parameters(remove_duplicate=False))


Module.state_dict = _state_dict
