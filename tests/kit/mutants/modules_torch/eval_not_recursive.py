"""train()/eval() set the flag on the top module only."""


def _train(self, mode=True):
    object.__setattr__(self, "training", bool(mode))
    return self


Module.train = _train
