"""dataset_length takes len() of the dict itself, the number of keys, instead of the arrays' length."""

reference_length = dataset_length


def dataset_length(dataset):
    reference_length(dataset)
    return len(dataset) if isinstance(dataset, dict) else reference_length(dataset)
