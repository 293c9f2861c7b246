"""batchnorm_backward always uses the training formula, even when eval mode made the statistics constants."""


def batchnorm_backward(dout, cache):
    return _normalize_backward(dout, {**cache, "stat_axes": cache["param_axes"]})
