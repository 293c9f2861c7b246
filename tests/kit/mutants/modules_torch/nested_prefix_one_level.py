"""named_modules names a grandchild by its own position only ('0' instead of '1.0'): nested keys collide."""


def _named_modules_flat(self, prefix=""):
    yield prefix, self
    for name, child in self._modules.items():
        for inner, module in child.named_modules(""):
            yield (inner if inner else name), module


Module.named_modules = _named_modules_flat
