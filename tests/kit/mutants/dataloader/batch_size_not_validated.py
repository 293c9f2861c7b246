"""batch_indices never checks batch_size: a negative one silently gives an epoch of no batches."""
import numpy as np


def batch_indices(n, batch_size, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    order = np.random.default_rng([seed, epoch]).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    return [order[start:start + batch_size] for start in range(0, stop, batch_size)]


def _init(self, dataset, batch_size, *, shuffle=False, seed=0, drop_last=False):
    self.dataset, self.batch_size = dataset, batch_size
    self.shuffle, self.seed, self.drop_last = shuffle, seed, drop_last
    self.epoch = 0


DataLoader.__init__ = _init
