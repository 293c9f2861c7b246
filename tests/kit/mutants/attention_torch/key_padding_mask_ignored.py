"""multi_head_attention never applies key_padding_mask."""
reference_multi_head_attention = multi_head_attention


def multi_head_attention(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                         out_proj_bias, key_padding_mask=None, attn_mask=None, need_weights=True,
                         average_attn_weights=True):
    return reference_multi_head_attention(query, key, value, num_heads, in_proj_weight, in_proj_bias,
                                          out_proj_weight, out_proj_bias, None, attn_mask, need_weights,
                                          average_attn_weights)
