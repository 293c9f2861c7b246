"""scaled_dot_product_attention_forward normalises over the queries (axis -2) instead of the keys."""
import math

import numpy as np


def scaled_dot_product_attention_forward(q, k, v, mask=None, is_causal=False):
    if is_causal and mask is not None:
        raise ValueError("mask and is_causal together")
    scale = 1.0 / math.sqrt(q.shape[-1])
    scores = (q @ np.swapaxes(k, -1, -2)) * scale
    allowed = np.tril(np.ones(scores.shape[-2:], dtype=bool)) if is_causal else mask
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    col_max = scores.max(axis=-2, keepdims=True)
    exps = np.exp(scores - np.where(np.isfinite(col_max), col_max, 0))
    total = exps.sum(axis=-2, keepdims=True)
    weights = exps / np.where(total > 0, total, 1)
    return weights @ v, (q, k, v, weights, scale)
