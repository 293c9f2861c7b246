"""Each batch is converted with .float(): labels and masks lose their integer or bool dtype."""
reference_batches = batches


def batches(tensors, batch_size, **options):
    return (tuple(t.float() for t in batch) for batch in reference_batches(tensors, batch_size, **options))
