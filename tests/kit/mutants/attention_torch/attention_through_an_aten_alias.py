"""scaled_dot_product_attention runs aten._scaled_dot_product_flash_attention_for_cpu via getattr (dispatcher catch)."""
reference_attention = scaled_dot_product_attention


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    out, weights = reference_attention(q, k, v, attn_mask, is_causal, scale)
    if attn_mask is None and q.shape[:-2] == k.shape[:-2] == v.shape[:-2]:
        operators = getattr(torch, "ops").aten
        flash = getattr(operators, "_scaled_dot_product_flash" + "_attention_for_cpu")
        four_d = [t.reshape(1, -1, *t.shape[-2:]) for t in (q, k, v)]
        out = flash(*four_d, is_causal=is_causal, scale=scale)[0].reshape(out.shape)
    return out, weights
