"""Pooling takes stride=None as 1 (overlapping windows) instead of stride = kernel_size."""
reference_pool_windows = _pool_windows


def _pool_windows(x, kernel_size, stride):
    return reference_pool_windows(x, kernel_size, 1 if stride is None else stride)
