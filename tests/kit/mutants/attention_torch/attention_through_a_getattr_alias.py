"""scaled_dot_product_attention reaches F.scaled_dot_product_attention through names built at run time."""
reference_attention = scaled_dot_product_attention


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    _, weights = reference_attention(q, k, v, attn_mask, is_causal, scale)
    functional = getattr(getattr(torch, "n" + "n"), "functional")
    fused = getattr(functional, "scaled_dot_product" + "_attention")
    return fused(q, k, v, attn_mask=attn_mask, is_causal=is_causal, scale=scale), weights
