# Exercise generated from solutions/attention.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m attention`.
"""Scaled dot-product attention, multi-head attention and sinusoidal positional encoding.

Layer convention, as everywhere in the kit::

    out, cache = scaled_dot_product_attention_forward(q, k, v, mask=None, is_causal=False)
    dq, dk, dv = scaled_dot_product_attention_backward(dout, cache)
    out, cache = multi_head_attention_forward(query, key, value, params, num_heads,
                                              key_padding_mask=None, is_causal=False)
    grads = multi_head_attention_backward(dout, cache)     # a dict, one entry per input

Shapes: q (..., Tq, d), k (..., Tk, d), v (..., Tk, dv) with the same leading
axes "..."; out (..., Tq, dv). Multi-head attention is batch-first: query
(N, Tq, E), key and value (N, Tk, E), out (N, Tq, E), with the parameters in
torch ``nn.MultiheadAttention``'s layout (weights are (out_features, in_features),
so a projection is ``x @ w.T + b``).

TWO MASK CONVENTIONS, OPPOSITE TO EACH OTHER (both are torch's):

- ``mask`` of scaled_dot_product_attention_forward: True means "may attend"
  (``F.scaled_dot_product_attention``'s boolean ``attn_mask``).
- ``key_padding_mask`` of multi_head_attention_forward: True means PADDING,
  "ignore this key" (``nn.MultiheadAttention``'s ``key_padding_mask``).

A query row with no allowed key gets zero output and passes zero gradient, as
torch's ``F.scaled_dot_product_attention`` does since torch 2.5 (its "safe
softmax"); a plain softmax over all -inf scores, torch before 2.5, and
``nn.MultiheadAttention`` with ``need_weights=True`` give nan there.
Masked positions get exactly zero weight.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .softmax import softmax_backward

Array = NDArray[np.floating]
BoolArray = NDArray[np.bool_]

# The keys of multi_head_attention_forward's params, in torch nn.MultiheadAttention's layout.
PARAM_NAMES = ("in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias")


def scaled_dot_product_attention_forward(
    q: Array, k: Array, v: Array, mask: BoolArray | None = None, is_causal: bool = False
) -> tuple[Array, tuple]:
    """``out = softmax(q @ k^T / sqrt(d) over allowed keys) @ v``.

    The softmax runs over the last axis (the keys), stably: subtract the row
    maximum of the allowed scores before ``exp``. Disallowed scores get weight
    exactly 0; a row with no allowed key gets all-zero weights (as torch >= 2.5;
    a plain softmax gives nan).

    Args:
        q: (..., Tq, d) queries.
        k: (..., Tk, d) keys, same leading axes as q.
        v: (..., Tk, dv) values, same leading axes as q.
        mask: None, or booleans broadcastable to (..., Tq, Tk); True = "query i may
            attend to key j" (torch's boolean ``attn_mask``).
        is_causal: mask every key j > i (the mask ``tril(ones(Tq, Tk))``).
    Returns:
        out: (..., Tq, dv), dtype of q.
        cache: what the backward needs (q, k, v, the (..., Tq, Tk) weights, the scale).
    Raises:
        ValueError: mask given together with is_causal (as torch); a mask that is
            not boolean or does not broadcast to (..., Tq, Tk); q, k, v whose shapes disagree.
    """
    raise NotImplementedError("attention.scaled_dot_product_attention_forward: see docs/attention.md")


def scaled_dot_product_attention_backward(dout: Array, cache: tuple) -> tuple[Array, Array, Array]:
    """Gradients of scaled dot-product attention, with P the (..., Tq, Tk) weights and s = 1/sqrt(d).

        dv = P^T @ dout                            (..., Tk, Tq) @ (..., Tq, dv) -> (..., Tk, dv)
        dP = dout @ v^T                            (..., Tq, dv) @ (..., dv, Tk) -> (..., Tq, Tk)
        dS = P * (dP - sum_j(dP * P))              softmax backward per row, (..., Tq, Tk)
        dq = s * dS @ k                            (..., Tq, Tk) @ (..., Tk, d) -> (..., Tq, d)
        dk = s * dS^T @ q                          (..., Tk, Tq) @ (..., Tq, d) -> (..., Tk, d)

    Masked positions have P = 0, hence dS = 0: they pass no gradient.

    Args:
        dout: (..., Tq, dv) upstream gradient.
        cache: from scaled_dot_product_attention_forward.
    Returns:
        dq: (..., Tq, d); dk: (..., Tk, d); dv: (..., Tk, dv).
    """
    raise NotImplementedError("attention.scaled_dot_product_attention_backward: see docs/attention.md")


def _split_heads(x: Array, num_heads: int) -> Array:
    """(N, T, E) -> (N, H, T, E // H): head h takes embedding columns [h * Dh, (h + 1) * Dh).

    Split the EMBEDDING axis, (N, T, H, Dh), then move the heads in front of the
    sequence; reshaping straight to (N, H, T, Dh) would cut the sequence instead.

    Args:
        x: (N, T, E).
        num_heads: H, dividing E.
    Returns:
        (N, H, T, Dh) with Dh = E // H.
    """
    raise NotImplementedError("attention._split_heads: see docs/attention.md")


def _merge_heads(x: Array) -> Array:
    """(N, H, T, Dh) -> (N, T, H * Dh): the inverse of _split_heads.

    Args:
        x: (N, H, T, Dh).
    Returns:
        (N, T, E) with E = H * Dh.
    """
    raise NotImplementedError("attention._merge_heads: see docs/attention.md")


def multi_head_attention_forward(
    query: Array,
    key: Array,
    value: Array,
    params: dict[str, Array],
    num_heads: int,
    key_padding_mask: BoolArray | None = None,
    is_causal: bool = False,
) -> tuple[Array, tuple]:
    """torch's ``nn.MultiheadAttention(E, H, batch_first=True)`` with ``need_weights=False``.

    With W = in_proj_weight split into three (E, E) blocks W_q, W_k, W_v (and b likewise):

        Q = query @ W_q^T + b_q        (N, Tq, E);  K, V from key, value: (N, Tk, E)
        split each into H heads        (N, H, T, Dh), Dh = E // H
        A = attention(Q_h, K_h, V_h)   (N, H, Tq, Dh), each head on its own Dh columns
        out = merge(A) @ out_proj_weight^T + out_proj_bias     (N, Tq, E)

    key_padding_mask: True MEANS PADDING, i.e. the key is IGNORED. This is the
    OPPOSITE of scaled_dot_product_attention_forward's mask (True = may attend).

    Args:
        query: (N, Tq, E).
        key: (N, Tk, E).
        value: (N, Tk, E).
        params: "in_proj_weight" (3E, E), "in_proj_bias" (3E,), "out_proj_weight" (E, E),
            "out_proj_bias" (E,).
        num_heads: H, dividing E.
        key_padding_mask: None or (N, Tk) booleans, True = padding (ignored).
        is_causal: query i attends to keys j <= i only.
    Returns:
        out: (N, Tq, E).
        cache: what multi_head_attention_backward needs.
    Raises:
        ValueError: E % num_heads != 0; shapes of inputs, params or mask that disagree.
    """
    raise NotImplementedError("attention.multi_head_attention_forward: see docs/attention.md")


def multi_head_attention_backward(dout: Array, cache: tuple) -> dict[str, Array]:
    """Gradients of multi_head_attention_forward, each of the shape of what it differentiates.

    With M = merge(A) flattened to (N*Tq, E) and each projection P = x @ W^T + b:

        d out_proj_weight = dout^T @ M          (E, N*Tq) @ (N*Tq, E) -> (E, E)
        d out_proj_bias   = dout summed over N and Tq                  -> (E,)
        dM = dout @ out_proj_weight              (N, Tq, E), split into heads -> (N, H, Tq, Dh)
        dQ_h, dK_h, dV_h = attention backward, merged back to (N, T, E)
        dx = dP @ W                              (N, T, E) @ (E, E) -> (N, T, E), x in query, key, value
        dW = dP^T @ x                            (E, N*T) @ (N*T, E) -> (E, E), stacked to (3E, E)
        db = dP summed over N and T              (E,), stacked to (3E,)

    Args:
        dout: (N, Tq, E) upstream gradient.
        cache: from multi_head_attention_forward.
    Returns:
        {"query": (N, Tq, E), "key": (N, Tk, E), "value": (N, Tk, E),
         "in_proj_weight": (3E, E), "in_proj_bias": (3E,),
         "out_proj_weight": (E, E), "out_proj_bias": (E,)}.
    """
    raise NotImplementedError("attention.multi_head_attention_backward: see docs/attention.md")


def sinusoidal_positional_encoding(length: int, dim: int) -> Array:
    """The Transformer's fixed position code (Vaswani et al., 2017), float64.

        PE[pos, 2i]     = sin(pos / 10000**(2i / dim))
        PE[pos, 2i + 1] = cos(pos / 10000**(2i / dim))      for 0 <= 2i < dim

    Each pair of columns (2i, 2i + 1) is a point on the unit circle turning at
    its own frequency, so PE[pos + k] is a fixed rotation of PE[pos], pair by pair.

    Args:
        length: number of positions (>= 0).
        dim: the embedding size E, even and > 0.
    Returns:
        (length, dim) float64.
    Raises:
        ValueError: dim odd or not positive; length negative.
    """
    raise NotImplementedError("attention.sinusoidal_positional_encoding: see docs/attention.md")
