"""The softmax of a row whose keys are all masked computes exp(-inf - (-inf)) = nan instead of zero weights."""
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
    with np.errstate(invalid="ignore"):
        exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
        weights = exps / exps.sum(axis=-1, keepdims=True)
    return weights @ v, (q, k, v, weights, scale)
