"""The bias is broadcast along the batch axis, bias[:, None, None, None], instead of the filter axis."""
reference_conv2d = conv2d


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    out = reference_conv2d(x, weight, None, stride, padding, dilation)
    return out if bias is None else out + bias[:, None, None, None]
