# Exercise generated from solutions/attention_torch.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m attention_torch`.
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
    raise NotImplementedError("attention_torch._masked_softmax: see docs/attention_torch.md")


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
    raise NotImplementedError("attention_torch.scaled_dot_product_attention: see docs/attention_torch.md")


def _additive_mask(mask: Tensor, like: Tensor) -> Tensor:
    """nn.MultiheadAttention's mask as scores to add: bool True -> -inf, False -> 0; floats as they are."""
    raise NotImplementedError("attention_torch._additive_mask: see docs/attention_torch.md")


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
    raise NotImplementedError("attention_torch.multi_head_attention: see docs/attention_torch.md")
