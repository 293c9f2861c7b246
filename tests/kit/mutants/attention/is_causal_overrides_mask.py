"""scaled_dot_product_attention_forward lets is_causal silently replace a given mask instead of raising ValueError."""
import numpy as np

reference_forward = scaled_dot_product_attention_forward


def scaled_dot_product_attention_forward(q, k, v, mask=None, is_causal=False):
    return reference_forward(q, k, v, mask=None if is_causal else mask, is_causal=is_causal)
