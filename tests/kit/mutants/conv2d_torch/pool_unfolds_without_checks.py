"""Pooling unfolds x directly, without checking its shape, the kernel size or the stride."""


def _pool_windows(x, kernel_size, stride):
    kernel = kernel_size if isinstance(kernel_size, tuple) else (kernel_size, kernel_size)
    steps = kernel if stride is None else (stride if isinstance(stride, tuple) else (stride, stride))
    return x.unfold(-2, kernel[0], steps[0]).unfold(-1, kernel[1], steps[1]).flatten(-2)
