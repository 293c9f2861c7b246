"""batches reaches torch.utils.data.DataLoader through names built at run time (only the guard sees it run)."""


def batches(tensors, batch_size, *, shuffle=False, generator=None, drop_last=False, device=None, pin_memory=False):
    library = getattr(getattr(torch, "utils"), "da" + "ta")
    tensors = tuple(tensors)
    if len({t.shape[0] for t in tensors}) != 1 or batch_size < 1:
        raise ValueError("bad tensors or batch_size")
    if shuffle:
        sampler = library.RandomSampler(range(len(tensors[0])), generator=generator)
    else:
        sampler = range(len(tensors[0]))
    for indices in library.BatchSampler(sampler, batch_size, drop_last):
        yield tuple(t[torch.tensor(indices, dtype=torch.int64, device=t.device)].to(device or t.device)
                    for t in tensors)
