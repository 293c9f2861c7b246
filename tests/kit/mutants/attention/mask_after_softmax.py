"""scaled_dot_product_attention_forward zeroes the masked weights after the softmax, without renormalising."""
import math

import numpy as np


def scaled_dot_product_attention_forward(q, k, v, mask=None, is_causal=False):
    if is_causal and mask is not None:
        raise ValueError("mask and is_causal together")
    scale = 1.0 / math.sqrt(q.shape[-1])
    scores = (q @ np.swapaxes(k, -1, -2)) * scale
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    allowed = np.tril(np.ones(scores.shape[-2:], dtype=bool)) if is_causal else mask
    if allowed is not None:
        weights = weights * allowed
    return weights @ v, (q, k, v, weights, scale)
