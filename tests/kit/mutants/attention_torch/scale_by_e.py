"""The scores are divided by E instead of sqrt(E)."""
reference_attention = scaled_dot_product_attention


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    if scale is None:
        scale = 1.0 / q.shape[-1]
    return reference_attention(q, k, v, attn_mask, is_causal, scale)
