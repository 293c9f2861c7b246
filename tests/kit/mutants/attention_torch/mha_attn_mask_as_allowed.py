"""multi_head_attention reads a boolean attn_mask as True = may attend (F.sdpa's sense, not nn.MultiheadAttention's)."""
reference_multi_head_attention = multi_head_attention


def multi_head_attention(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                         out_proj_bias, key_padding_mask=None, attn_mask=None, need_weights=True,
                         average_attn_weights=True):
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        attn_mask = ~attn_mask
    return reference_multi_head_attention(query, key, value, num_heads, in_proj_weight, in_proj_bias,
                                          out_proj_weight, out_proj_bias, key_padding_mask, attn_mask,
                                          need_weights, average_attn_weights)
