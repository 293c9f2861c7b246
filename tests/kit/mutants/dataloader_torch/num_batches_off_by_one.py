"""num_batches counts n // batch_size + 1 without drop_last: one too many when batch_size divides n."""


def num_batches(n, batch_size, drop_last=False):
    if batch_size < 1 or n < 0:
        raise ValueError("batch_size must be >= 1 and n >= 0")
    return n // batch_size if drop_last else n // batch_size + 1
