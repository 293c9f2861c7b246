"""The permutation indexes the first tensor only; the others are sliced in their original order."""
reference_batches = batches


def batches(tensors, batch_size, *, shuffle=False, generator=None, drop_last=False, device=None, pin_memory=False):
    tensors = tuple(tensors)
    first = reference_batches(tensors[:1], batch_size, shuffle=shuffle, generator=generator, drop_last=drop_last,
                              device=device, pin_memory=pin_memory)
    rest = reference_batches(tensors, batch_size, drop_last=drop_last, device=device, pin_memory=pin_memory)
    return ((head[0], *tail[1:]) for head, tail in zip(first, rest))
