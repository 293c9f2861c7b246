"""A boolean attn_mask is read as True = masked out (nn.MultiheadAttention's sense, not F.sdpa's)."""
reference_attention = scaled_dot_product_attention


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        attn_mask = ~attn_mask
    return reference_attention(q, k, v, attn_mask, is_causal, scale)
