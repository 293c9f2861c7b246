"""load_state_dict registers clones of the loaded values instead of copying into the existing tensors."""


def _load_state_dict(self, state_dict, strict=True):
    owners = {}
    for module_name, module in self.named_modules():
        for name, tensor in module._parameters.items():
            if tensor is not None:
                owners[f"{module_name}.{name}" if module_name else name] = (module, name, tensor)
    missing = [k for k in owners if k not in state_dict]
    unexpected = [k for k in state_dict if k not in owners]
    if strict and (missing or unexpected):
        raise KeyError(f"missing {missing}, unexpected {unexpected}")
    for key, value in state_dict.items():
        if key in owners:
            module, name, tensor = owners[key]
            if tuple(value.shape) != tuple(tensor.shape):
                raise ValueError(f"size mismatch for {key}")
            module.register_parameter(name, value.detach().clone().to(tensor.device, tensor.dtype))
    return missing, unexpected


Module.load_state_dict = _load_state_dict
