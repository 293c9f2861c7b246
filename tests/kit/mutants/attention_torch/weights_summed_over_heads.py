"""multi_head_attention sums the weights over the heads instead of averaging them, and always returns them."""
reference_multi_head_attention = multi_head_attention


def multi_head_attention(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                         out_proj_bias, key_padding_mask=None, attn_mask=None, need_weights=True,
                         average_attn_weights=True):
    out, weights = reference_multi_head_attention(query, key, value, num_heads, in_proj_weight, in_proj_bias,
                                                  out_proj_weight, out_proj_bias, key_padding_mask, attn_mask,
                                                  True, False)
    return out, weights.sum(dim=1) if average_attn_weights else weights
