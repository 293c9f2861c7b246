"""dataset_length returns the length of the first array without comparing it with the others."""


def dataset_length(dataset):
    if isinstance(dataset, dict):
        return len(next(iter(dataset.values())))
    if isinstance(dataset, tuple):
        return len(dataset[0])
    return len(dataset)
