"""matmul_flops counts n^3: a multiply-add taken as one operation, so every gflops is halved."""


def matmul_flops(n):
    return int(n) ** 3
