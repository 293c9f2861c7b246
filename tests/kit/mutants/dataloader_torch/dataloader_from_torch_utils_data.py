"""batches wraps torch.utils.data.DataLoader over a TensorDataset (caught in the source)."""


def batches(tensors, batch_size, *, shuffle=False, generator=None, drop_last=False, device=None, pin_memory=False):
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*tensors), batch_size=batch_size,
                                         shuffle=shuffle, generator=generator, drop_last=drop_last)
    return (tuple(t.to(device) if device is not None else t for t in batch) for batch in loader)
