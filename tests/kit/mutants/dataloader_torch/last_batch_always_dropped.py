"""The epoch runs range(n // batch_size): the last partial batch is lost even without drop_last."""
reference_batches = batches


def batches(tensors, batch_size, *, shuffle=False, generator=None, drop_last=False, device=None, pin_memory=False):
    return reference_batches(tensors, batch_size, shuffle=shuffle, generator=generator, drop_last=True,
                             device=device, pin_memory=pin_memory)
