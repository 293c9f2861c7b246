"""Nothing is validated: mismatched shapes fail deep inside a matmul, a mask with is_causal is ignored."""
reference_attention = scaled_dot_product_attention


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    scores = (q @ k.transpose(-2, -1)) * scale
    if is_causal:
        attn_mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril()
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else scores + attn_mask
    weights = _masked_softmax(scores)
    return weights @ v, weights


def multi_head_attention(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                         out_proj_bias, key_padding_mask=None, attn_mask=None, need_weights=True,
                         average_attn_weights=True):
    batch, length, embed = query.shape
    head = embed // num_heads
    w_q, w_k, w_v = in_proj_weight.chunk(3)
    b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)

    def project(x, w, b):
        y = x @ w.T if b is None else x @ w.T + b
        return y.reshape(batch, x.shape[1], num_heads, head).transpose(1, 2)

    mask = None
    if key_padding_mask is not None:
        mask = _additive_mask(key_padding_mask, query).reshape(batch, 1, 1, -1)
    if attn_mask is not None:
        extra = _additive_mask(attn_mask, query)
        mask = extra if mask is None else mask + extra
    heads, weights = scaled_dot_product_attention(project(query, w_q, b_q), project(key, w_k, b_k),
                                                  project(value, w_v, b_v), attn_mask=mask)
    out = heads.transpose(1, 2).reshape(batch, length, -1) @ out_proj_weight.T
    out = out if out_proj_bias is None else out + out_proj_bias
    if not need_weights:
        return out, None
    return out, weights.mean(dim=1) if average_attn_weights else weights
