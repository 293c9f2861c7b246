"""Each batch is collated example by example, torch.stack([t[i] for i in idx]): B operators per batch."""


def batches(tensors, batch_size, *, shuffle=False, generator=None, drop_last=False, device=None, pin_memory=False):
    tensors = tuple(tensors)
    lengths = [t.shape[0] for t in tensors]
    if not tensors or len(set(lengths)) != 1:
        raise ValueError(f"every tensor must have the same length, got {lengths}")
    n = lengths[0]
    count = num_batches(n, batch_size, drop_last)
    order = torch.randperm(n, generator=generator).tolist() if shuffle else list(range(n))

    def generate():
        for k in range(count):
            idx = order[k * batch_size:(k + 1) * batch_size]
            batch = tuple(torch.stack([t[i] for i in idx]) for t in tensors)
            yield tuple(t.to(device) for t in batch) if device is not None else batch

    return generate()
