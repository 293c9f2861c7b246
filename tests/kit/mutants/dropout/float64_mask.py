"""dropout builds the scaled mask in float64 (mask.astype(np.float64) / (1 - p)), promoting float32 inputs."""
import numpy as np


def _scale_kept(values, mask, keep):
    scaled = mask.astype(np.float64) / keep if keep else np.zeros(mask.shape)
    return values * scaled
