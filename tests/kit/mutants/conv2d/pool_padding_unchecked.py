"""_check_pool accepts any padding, where torch refuses more than half the kernel (pad <= k // 2)."""


def _check_pool(x, kernel_size, stride, padding):
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), got shape {x.shape}")
    kernel = _pair(kernel_size, "kernel_size", 1)
    stride = kernel if stride is None else _pair(stride, "stride", 1)
    padding = _pair(padding, "padding", 0)
    return kernel, stride, padding, _output_size(x.shape[2:], kernel, stride, padding, (1, 1))
