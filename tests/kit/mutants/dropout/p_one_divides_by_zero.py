"""dropout computes x * mask / (1 - p) with no special case, so p = 1 gives 0 / 0 = nan."""
import numpy as np


def _scale_kept(values, mask, keep):
    with np.errstate(divide="ignore", invalid="ignore"):
        return values * mask / keep
