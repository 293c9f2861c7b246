"""multi_head_attention_forward passes key_padding_mask on as "may attend", reading True as keep instead of padding."""

reference_mha_forward = multi_head_attention_forward


def multi_head_attention_forward(query, key, value, params, num_heads, key_padding_mask=None, is_causal=False):
    if key_padding_mask is not None:
        key_padding_mask = ~np.asarray(key_padding_mask)
    return reference_mha_forward(query, key, value, params, num_heads, key_padding_mask=key_padding_mask,
                                 is_causal=is_causal)
