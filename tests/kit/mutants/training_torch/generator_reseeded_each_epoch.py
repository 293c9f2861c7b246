"""fit makes a fresh torch.Generator().manual_seed(seed) every epoch: every epoch replays epoch 0's order."""
reference_batches = batches


def batches(tensors, batch_size, *, shuffle=False, generator=None, drop_last=False, device=None, pin_memory=False):
    if generator is not None:
        generator = torch.Generator().manual_seed(generator.initial_seed())
    return reference_batches(tensors, batch_size, shuffle=shuffle, generator=generator, drop_last=drop_last,
                             device=device, pin_memory=pin_memory)
