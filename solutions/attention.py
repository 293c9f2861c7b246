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
    # BEGIN SOLUTION
    if is_causal and mask is not None:
        raise ValueError("give either mask or is_causal=True, not both (torch refuses them together)")
    if q.ndim < 2 or k.ndim != q.ndim or v.ndim != q.ndim:
        raise ValueError(f"q, k, v must be (..., T, d) with the same number of axes, "
                         f"got {q.shape}, {k.shape}, {v.shape}")
    if k.shape[-1] != q.shape[-1] or k.shape[:-2] != q.shape[:-2] or v.shape[:-1] != k.shape[:-1]:
        raise ValueError(f"need q (..., Tq, d), k (..., Tk, d), v (..., Tk, dv); got {q.shape}, {k.shape}, {v.shape}")
    scale = 1.0 / math.sqrt(q.shape[-1])
    scores = (q @ np.swapaxes(k, -1, -2)) * scale  # (..., Tq, Tk)
    allowed = None
    if is_causal:
        allowed = np.tril(np.ones(scores.shape[-2:], dtype=bool))
    elif mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != np.bool_:
            raise ValueError(f"mask must be boolean (True = may attend), got dtype {mask.dtype}")
        allowed = np.broadcast_to(mask, scores.shape)  # raises ValueError when it cannot
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    row_max = scores.max(axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0)  # a row with no allowed key
    exps = np.exp(scores - row_max)  # exp(-inf) = 0 for masked keys
    total = exps.sum(axis=-1, keepdims=True)
    weights = exps / np.where(total > 0, total, 1)
    return weights @ v, (q, k, v, weights, scale)
    # END SOLUTION


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
    # BEGIN SOLUTION
    q, k, v, weights, scale = cache
    dv = np.swapaxes(weights, -1, -2) @ dout
    dweights = dout @ np.swapaxes(v, -1, -2)
    dscores = softmax_backward(dweights, weights) * scale
    dq = dscores @ k
    dk = np.swapaxes(dscores, -1, -2) @ q
    return dq, dk, dv
    # END SOLUTION


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
    # BEGIN SOLUTION
    batch, length, embed = x.shape
    return x.reshape(batch, length, num_heads, embed // num_heads).transpose(0, 2, 1, 3)
    # END SOLUTION


def _merge_heads(x: Array) -> Array:
    """(N, H, T, Dh) -> (N, T, H * Dh): the inverse of _split_heads.

    Args:
        x: (N, H, T, Dh).
    Returns:
        (N, T, E) with E = H * Dh.
    """
    # BEGIN SOLUTION
    batch, heads, length, head_dim = x.shape
    return x.transpose(0, 2, 1, 3).reshape(batch, length, heads * head_dim)
    # END SOLUTION


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
    # BEGIN SOLUTION
    if query.ndim != 3 or key.ndim != 3 or key.shape != value.shape:
        raise ValueError(f"need query (N, Tq, E), key and value (N, Tk, E); "
                         f"got {query.shape}, {key.shape}, {value.shape}")
    batch, q_len, embed = query.shape
    k_len = key.shape[1]
    if key.shape[0] != batch or key.shape[2] != embed:
        raise ValueError(f"key {key.shape} does not match query {query.shape} in N or E")
    if num_heads < 1 or embed % num_heads:
        raise ValueError(f"embedding size {embed} is not divisible by num_heads={num_heads}")
    shapes = ((3 * embed, embed), (3 * embed,), (embed, embed), (embed,))
    for name, shape in zip(PARAM_NAMES, shapes):
        if name not in params or params[name].shape != shape:
            raise ValueError(f"params[{name!r}] must have shape {shape}")
    allowed = np.ones((1, 1, q_len, k_len), dtype=bool)  # (N, H, Tq, Tk) after broadcasting
    if key_padding_mask is not None:
        key_padding_mask = np.asarray(key_padding_mask)
        if key_padding_mask.dtype != np.bool_ or key_padding_mask.shape != (batch, k_len):
            raise ValueError(f"key_padding_mask must be ({batch}, {k_len}) booleans, True = padding")
        allowed = allowed & ~key_padding_mask[:, None, None, :]  # True = padding: NOT allowed
    if is_causal:
        allowed = allowed & np.tril(np.ones((q_len, k_len), dtype=bool))
    w_in = np.split(params["in_proj_weight"], 3)
    b_in = np.split(params["in_proj_bias"], 3)
    inputs = (query, key, value)
    heads = [_split_heads(x @ w.T + b, num_heads) for x, w, b in zip(inputs, w_in, b_in)]
    attended, attention_cache = scaled_dot_product_attention_forward(*heads, mask=allowed)
    merged = _merge_heads(attended)
    out = merged @ params["out_proj_weight"].T + params["out_proj_bias"]
    return out, (inputs, params, num_heads, merged, attention_cache)
    # END SOLUTION


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
    # BEGIN SOLUTION
    inputs, params, num_heads, merged, attention_cache = cache
    embed = dout.shape[-1]
    grads = {
        "out_proj_weight": dout.reshape(-1, embed).T @ merged.reshape(-1, embed),
        "out_proj_bias": dout.sum(axis=(0, 1)),
    }
    dheads = _split_heads(dout @ params["out_proj_weight"], num_heads)
    dprojected = [_merge_heads(d) for d in scaled_dot_product_attention_backward(dheads, attention_cache)]
    w_in = np.split(params["in_proj_weight"], 3)
    for name, d, w in zip(("query", "key", "value"), dprojected, w_in):
        grads[name] = d @ w
    grads["in_proj_weight"] = np.concatenate(
        [d.reshape(-1, embed).T @ x.reshape(-1, embed) for d, x in zip(dprojected, inputs)])
    grads["in_proj_bias"] = np.concatenate([d.sum(axis=(0, 1)) for d in dprojected])
    return grads
    # END SOLUTION


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
    # BEGIN SOLUTION
    if dim <= 0 or dim % 2:
        raise ValueError(f"dim must be a positive even number, got {dim}")
    if length < 0:
        raise ValueError(f"length must be >= 0, got {length}")
    positions = np.arange(length, dtype=np.float64)[:, None]  # (length, 1)
    frequencies = 10000.0 ** (-np.arange(0, dim, 2, dtype=np.float64) / dim)  # (dim // 2,)
    angles = positions * frequencies  # (length, dim // 2)
    encoding = np.empty((length, dim))
    encoding[:, 0::2] = np.sin(angles)
    encoding[:, 1::2] = np.cos(angles)
    return encoding
    # END SOLUTION
