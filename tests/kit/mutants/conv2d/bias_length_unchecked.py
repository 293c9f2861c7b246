"""_check_conv checks ranks and channels but not b's shape: a (1,) bias broadcasts silently to every filter."""


def _check_conv(x, w, b, stride, padding, dilation):
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W) and w (F, C, KH, KW), got {x.shape} and {w.shape}")
    if x.shape[1] != w.shape[1]:
        raise ValueError(f"x has {x.shape[1]} channels but w expects {w.shape[1]}")
    stride, dilation = _pair(stride, "stride", 1), _pair(dilation, "dilation", 1)
    padding = _pair(padding, "padding", 0)
    return stride, padding, dilation, _output_size(x.shape[2:], w.shape[2:], stride, padding, dilation)
