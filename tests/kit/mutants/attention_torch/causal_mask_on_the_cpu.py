"""is_causal builds its mask with torch.ones(L, S) and no device=: wrong on any other device."""
reference_attention = scaled_dot_product_attention


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    if is_causal:
        attn_mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
    return reference_attention(q, k, v, attn_mask, False, scale)
