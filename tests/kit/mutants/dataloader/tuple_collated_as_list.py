"""collate builds a tuple's batch with a list comprehension, returning a list instead of a tuple."""


def collate(dataset, indices):
    if isinstance(dataset, dict):
        return {name: array[indices] for name, array in dataset.items()}
    if isinstance(dataset, tuple):
        return [array[indices] for array in dataset]
    return dataset[indices]
