"""scaled_dot_product_attention_forward divides the scores by d instead of sqrt(d)."""
import numpy as np


def scaled_dot_product_attention_forward(q, k, v, mask=None, is_causal=False):
    if is_causal and mask is not None:
        raise ValueError("mask and is_causal together")
    scale = 1.0 / q.shape[-1]
    scores = (q @ np.swapaxes(k, -1, -2)) * scale
    allowed = np.tril(np.ones(scores.shape[-2:], dtype=bool)) if is_causal else mask
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    row_max = scores.max(axis=-1, keepdims=True)
    exps = np.exp(scores - np.where(np.isfinite(row_max), row_max, 0))
    total = exps.sum(axis=-1, keepdims=True)
    weights = exps / np.where(total > 0, total, 1)
    return weights @ v, (q, k, v, weights, scale)
