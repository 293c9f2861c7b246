"""avg_pool2d divides each window's sum by KH * KH, as if every kernel were square."""


def avg_pool2d(x, kernel_size, stride=None):
    kh = _pair(kernel_size, "kernel_size", 1)[0]
    return _pool_windows(x, kernel_size, stride).sum(dim=-1) / (kh * kh)
