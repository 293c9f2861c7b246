"""drop_last is accepted and ignored: the last partial batch is always yielded."""
reference_batches = batches


def batches(tensors, batch_size, *, shuffle=False, generator=None, drop_last=False, device=None, pin_memory=False):
    return reference_batches(tensors, batch_size, shuffle=shuffle, generator=generator, drop_last=False,
                             device=device, pin_memory=pin_memory)
