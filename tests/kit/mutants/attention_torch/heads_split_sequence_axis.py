"""multi_head_attention splits heads with reshape(N, heads, T, E/heads): heads mix positions."""
reference_multi_head_attention = multi_head_attention


def multi_head_attention(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                         out_proj_bias, key_padding_mask=None, attn_mask=None, need_weights=True,
                         average_attn_weights=True):
    batch, length, embed = query.shape
    if embed % num_heads:
        raise ValueError("embed_dim not divisible by num_heads")
    head = embed // num_heads
    w_q, w_k, w_v = in_proj_weight.chunk(3)
    b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)

    def project(x, w, b):
        y = x @ w.T if b is None else x @ w.T + b
        return y.reshape(batch, num_heads, x.shape[1], head)

    mask = None
    if key_padding_mask is not None:
        mask = _additive_mask(key_padding_mask, query).reshape(batch, 1, 1, key.shape[1])
    if attn_mask is not None:
        extra = _additive_mask(attn_mask, query)
        extra = extra.reshape(batch, num_heads, length, key.shape[1]) if extra.dim() == 3 else extra
        mask = extra if mask is None else mask + extra
    heads, weights = scaled_dot_product_attention(project(query, w_q, b_q), project(key, w_k, b_k),
                                                  project(value, w_v, b_v), attn_mask=mask)
    out = heads.reshape(batch, length, embed) @ out_proj_weight.T
    out = out if out_proj_bias is None else out + out_proj_bias
    if not need_weights:
        return out, None
    return out, weights.mean(dim=1) if average_attn_weights else weights
