"""The tensors' lengths are never compared: the first one's length sets the epoch."""


def batches(tensors, batch_size, *, shuffle=False, generator=None, drop_last=False, device=None, pin_memory=False):
    tensors = tuple(tensors)
    n = tensors[0].shape[0]
    count = num_batches(n, batch_size, drop_last)
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)

    def generate():
        for k in range(count):
            idx = order[k * batch_size:(k + 1) * batch_size]
            yield tuple(t[idx[idx < t.shape[0]]].to(device or t.device) for t in tensors)

    return generate()
