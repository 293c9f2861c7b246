"""pin_memory=True calls .pin_memory() on every batch: it raises without a CUDA driver or for non-CPU data."""
reference_batches = batches


def batches(tensors, batch_size, *, shuffle=False, generator=None, drop_last=False, device=None, pin_memory=False):
    unpinned = reference_batches(tensors, batch_size, shuffle=shuffle, generator=generator, drop_last=drop_last)
    for batch in unpinned:
        if pin_memory:
            batch = tuple(t.pin_memory() for t in batch)
        yield tuple(t.to(device, non_blocking=pin_memory) if device is not None else t for t in batch)
