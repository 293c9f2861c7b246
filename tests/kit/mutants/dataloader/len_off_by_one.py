"""DataLoader.__len__ counts n // batch_size + 1 batches, one too many when batch_size divides n."""


def _len(self):
    n = dataset_length(self.dataset)
    return n // self.batch_size if self.drop_last else n // self.batch_size + 1


DataLoader.__len__ = _len
