"""named_parameters lists the children's parameters before the module's own, last child first."""
reference_named_parameters = Module.named_parameters


def _named_parameters(self, prefix="", remove_duplicate=True):
    yield from reversed(list(reference_named_parameters(self, prefix, remove_duplicate)))


Module.named_parameters = _named_parameters
