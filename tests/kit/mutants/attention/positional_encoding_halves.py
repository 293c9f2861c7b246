"""sinusoidal_positional_encoding puts all the sines first and all the cosines after, not interleaved."""
import numpy as np


def sinusoidal_positional_encoding(length, dim):
    if dim <= 0 or dim % 2:
        raise ValueError(f"dim must be a positive even number, got {dim}")
    angles = np.arange(length)[:, None] / 10000.0 ** (np.arange(0, dim, 2) / dim)
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
