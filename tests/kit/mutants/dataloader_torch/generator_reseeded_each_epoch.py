"""The shuffle uses a fresh generator seeded with generator.initial_seed(): every epoch has the same order."""
reference_batches = batches


def batches(tensors, batch_size, *, shuffle=False, generator=None, drop_last=False, device=None, pin_memory=False):
    fresh = torch.Generator().manual_seed(generator.initial_seed()) if generator is not None else None
    return reference_batches(tensors, batch_size, shuffle=shuffle, generator=fresh, drop_last=drop_last,
                             device=device, pin_memory=pin_memory)
