"""The shared normalisation divides by sqrt(var) + eps instead of sqrt(var + eps)."""
import numpy as np


def _normalize_forward(x, mean, var, gamma, beta, eps):
    inv_std = 1.0 / (np.sqrt(var) + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, x_hat, inv_std
