"""count_layers trusts params: missing keys raise KeyError, extra keys are ignored, a (1,) bias broadcasts."""


def count_layers(params):
    return len(params) // 2
