"""scaled_dot_product_attention_forward scales the queries with q *= 1 / sqrt(d), changing the caller's array."""
import math

reference_forward = scaled_dot_product_attention_forward


def scaled_dot_product_attention_forward(q, k, v, mask=None, is_causal=False):
    unscaled = q.copy()
    q *= 1.0 / math.sqrt(q.shape[-1])
    return reference_forward(unscaled, k, v, mask=mask, is_causal=is_causal)
