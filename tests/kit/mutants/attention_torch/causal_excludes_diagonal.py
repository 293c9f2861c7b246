"""is_causal builds tril(diagonal=-1): a query may not attend to its own position."""
reference_attention = scaled_dot_product_attention


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    if is_causal:
        attn_mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril(-1)
    return reference_attention(q, k, v, attn_mask, False, scale)
