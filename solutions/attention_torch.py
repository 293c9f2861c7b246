"""Scaled dot-product and multi-head attention on torch tensors, in nn.MultiheadAttention's layout.

Part 2 rebuilds Part 1's ``attention`` with raw tensors; autograd writes the
backward pass. The signatures follow torch's, so the results can be compared
with ``F.scaled_dot_product_attention`` and ``nn.MultiheadAttention``
(``batch_first=True``) loaded with the same weights::

    out, weights = scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None)
        q (..., L, E), k (..., S, E), v (..., S, Ev) -> out (..., L, Ev), weights (..., L, S)
    out, weights = multi_head_attention(query, key, value, num_heads, in_proj_weight, in_proj_bias,
                                        out_proj_weight, out_proj_bias, key_padding_mask=None,
                                        attn_mask=None, need_weights=True, average_attn_weights=True)
        query (N, L, E), key and value (N, S, E) -> out (N, L, E), weights (N, L, S) or (N, heads, L, S)

Masks follow torch, and the two functions read a boolean mask in OPPOSITE ways:
in ``scaled_dot_product_attention`` True means "may attend"; in
``multi_head_attention`` (as in ``nn.MultiheadAttention``) True in
``attn_mask`` or ``key_padding_mask`` means "masked out". A float mask is
added to the scores in both. A query row with every key masked gets zero
weights and a zero output, as torch's ``F.scaled_dot_product_attention``
returns since torch 2.5.

No ``F.scaled_dot_product_attention``, no ``torch.ops.aten._scaled_dot_product_*``,
nothing from ``torch.nn``: compute ``softmax(q k^T / sqrt(E)) v`` with matmuls.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor


def _masked_softmax(scores: Tensor) -> Tensor:
    """Softmax over the last axis; a row of -inf gives zeros, not nan.

    ``exp(s - m) / sum(exp(s - m))`` with ``m`` the row maximum (detached, 0 where it
    is -inf) and a divisor of 1 where the row sum is 0.
    """
    # BEGIN SOLUTION
    peak = scores.amax(dim=-1, keepdim=True).detach()
    peak = torch.where(torch.isfinite(peak), peak, torch.zeros_like(peak))
    exps = (scores - peak).exp()
    total = exps.sum(dim=-1, keepdim=True)
    return exps / torch.where(total == 0, torch.ones_like(total), total)
    # END SOLUTION


def scaled_dot_product_attention(q: Tensor, k: Tensor, v: Tensor, attn_mask: Tensor | None = None,
                                 is_causal: bool = False, scale: float | None = None) -> tuple[Tensor, Tensor]:
    """``softmax(q @ k^T * scale + mask) @ v``, as ``F.scaled_dot_product_attention``, with the weights.

    Args:
        q: (..., L, E) queries; k: (..., S, E) keys; v: (..., S, Ev) values; leading axes broadcast.
        attn_mask: broadcastable to (..., L, S): bool, True = may attend; or floating, added to the scores.
        is_causal: query i sees keys j <= i only (``tril`` of an (L, S) matrix of ones); not with attn_mask.
        scale: the score factor; None means ``1 / sqrt(E)``.
    Returns:
        (out, weights): out (..., L, Ev) and weights (..., L, S), q's dtype and device; each weight row
        sums to 1, or is all 0 where every key of the row is masked (its out row is 0 too).
    Raises:
        ValueError: for shapes that disagree, a mask that does not broadcast or is not bool/floating,
        or attn_mask together with is_causal.
    """
    # BEGIN SOLUTION
    if q.dim() < 2 or k.dim() < 2 or v.dim() < 2:
        raise ValueError("q, k and v need at least two axes: (..., L, E), (..., S, E), (..., S, Ev)")
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"q {tuple(q.shape)}, k {tuple(k.shape)} and v {tuple(v.shape)} disagree: "
                         "need q (..., L, E), k (..., S, E), v (..., S, Ev)")
    length, source = q.shape[-2], k.shape[-2]
    try:
        batch = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
        if attn_mask is not None:
            torch.broadcast_shapes(attn_mask.shape, (*batch, length, source))
    except RuntimeError as error:
        raise ValueError(f"shapes do not broadcast: {error}") from None
    if attn_mask is not None and is_causal:
        raise ValueError("give attn_mask or is_causal=True, not both")
    if attn_mask is not None and attn_mask.dtype != torch.bool and not attn_mask.is_floating_point():
        raise ValueError(f"attn_mask must be bool or floating, got {attn_mask.dtype}")
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    scores = (q @ k.transpose(-2, -1)) * scale
    if is_causal:
        attn_mask = torch.ones(length, source, dtype=torch.bool, device=q.device).tril()
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    weights = _masked_softmax(scores)
    return weights @ v, weights
    # END SOLUTION


def _additive_mask(mask: Tensor, like: Tensor) -> Tensor:
    """nn.MultiheadAttention's mask as scores to add: bool True -> -inf, False -> 0; floats as they are."""
    # BEGIN SOLUTION
    if mask.dtype == torch.bool:
        return torch.zeros(mask.shape, dtype=like.dtype, device=like.device).masked_fill(mask, float("-inf"))
    return mask.to(like.dtype)
    # END SOLUTION


def multi_head_attention(
    query: Tensor, key: Tensor, value: Tensor, num_heads: int,
    in_proj_weight: Tensor, in_proj_bias: Tensor | None, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
    key_padding_mask: Tensor | None = None, attn_mask: Tensor | None = None,
    need_weights: bool = True, average_attn_weights: bool = True,
) -> tuple[Tensor, Tensor | None]:
    """``nn.MultiheadAttention(E, num_heads, batch_first=True)``'s forward (no dropout)::

        Q, K, V = query @ W_q.T + b_q, key @ W_k.T + b_k, value @ W_v.T + b_v   (W_q, W_k, W_v = in_proj_weight's
                                                                                 three (E, E) row blocks)
        split: (N, T, E) -> (N, T, heads, E/heads) -> (N, heads, T, E/heads)
        A = scaled_dot_product_attention(Q_h, K_h, V_h, mask)                 (N, heads, L, E/heads)
        out = merge(A) @ out_proj_weight.T + out_proj_bias                    (N, L, E)

    Args:
        query: (N, L, E); key, value: (N, S, E).
        num_heads: divides E.
        in_proj_weight: (3E, E); in_proj_bias: (3E,) or None; out_proj_weight: (E, E); out_proj_bias: (E,) or None.
        key_padding_mask: (N, S); bool, True = padding (ignored), or floating, added to the scores.
        attn_mask: (L, S) or (N * num_heads, L, S); bool, True = may NOT attend, or floating, added.
        need_weights: return the attention weights (else None).
        average_attn_weights: average the weights over the heads: (N, L, S); else (N, heads, L, S).
    Returns:
        (out, weights): out (N, L, E), query's dtype and device; weights as above or None.
    Raises:
        ValueError: for E not divisible by num_heads, or shapes of inputs, parameters or masks that disagree.
    """
    # BEGIN SOLUTION
    if query.dim() != 3 or key.dim() != 3 or value.dim() != 3:
        raise ValueError("query, key and value must be (N, L, E), (N, S, E), (N, S, E) (batch_first)")
    batch, length, embed = query.shape
    source = key.shape[1]
    if key.shape != (batch, source, embed) or value.shape != key.shape:
        raise ValueError(f"query {tuple(query.shape)}, key {tuple(key.shape)}, value {tuple(value.shape)} disagree")
    if num_heads < 1 or embed % num_heads:
        raise ValueError(f"embed_dim {embed} is not divisible by num_heads {num_heads}")
    if in_proj_weight.shape != (3 * embed, embed) or out_proj_weight.shape != (embed, embed):
        raise ValueError(f"in_proj_weight must be ({3 * embed}, {embed}) and out_proj_weight ({embed}, {embed})")
    if (in_proj_bias is not None and in_proj_bias.shape != (3 * embed,)) or \
            (out_proj_bias is not None and out_proj_bias.shape != (embed,)):
        raise ValueError(f"in_proj_bias must be ({3 * embed},) and out_proj_bias ({embed},)")
    if key_padding_mask is not None and key_padding_mask.shape != (batch, source):
        raise ValueError(f"key_padding_mask must be ({batch}, {source}), got {tuple(key_padding_mask.shape)}")
    if attn_mask is not None and attn_mask.shape not in ((length, source), (batch * num_heads, length, source)):
        raise ValueError(f"attn_mask must be ({length}, {source}) or ({batch * num_heads}, {length}, {source}), "
                         f"got {tuple(attn_mask.shape)}")
    head = embed // num_heads
    w_q, w_k, w_v = in_proj_weight.chunk(3)
    b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)

    def project(x: Tensor, w: Tensor, b: Tensor | None) -> Tensor:
        y = x @ w.T
        y = y if b is None else y + b
        return y.reshape(batch, x.shape[1], num_heads, head).transpose(1, 2)

    mask = None
    if key_padding_mask is not None:
        mask = _additive_mask(key_padding_mask, query).reshape(batch, 1, 1, source)
    if attn_mask is not None:
        extra = _additive_mask(attn_mask, query)
        extra = extra.reshape(batch, num_heads, length, source) if extra.dim() == 3 else extra
        mask = extra if mask is None else mask + extra
    heads, weights = scaled_dot_product_attention(project(query, w_q, b_q), project(key, w_k, b_k),
                                                  project(value, w_v, b_v), attn_mask=mask)
    merged = heads.transpose(1, 2).reshape(batch, length, embed)
    out = merged @ out_proj_weight.T
    out = out if out_proj_bias is None else out + out_proj_bias
    if not need_weights:
        return out, None
    return out, weights.mean(dim=1) if average_attn_weights else weights
    # END SOLUTION
