"""batches is a generator function: its checks run only when the first batch is asked for."""
reference_batches = batches


def batches(tensors, batch_size, **options):
    yield from reference_batches(tensors, batch_size, **options)
