"""Torch references that take more than one call to set up, shared by public and hidden suites."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

MHA_PARAMS = ("in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias")


def torch_multi_head_attention(
    query: np.ndarray,
    key: np.ndarray,
    value: np.ndarray,
    params: Mapping[str, np.ndarray],
    num_heads: int,
    dout: np.ndarray,
    *,
    key_padding_mask: np.ndarray | None = None,
    is_causal: bool = False,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Output and every gradient of ``nn.MultiheadAttention(batch_first=True)`` with these weights.

    ``params`` uses the kit's names (``out_proj_weight`` for torch's ``out_proj.weight``);
    the gradients come back under the same names plus "query", "key" and "value".
    """
    import torch

    layer = torch.nn.MultiheadAttention(query.shape[-1], num_heads, batch_first=True, dtype=torch.float64)
    weights = {"in_proj_weight": layer.in_proj_weight, "in_proj_bias": layer.in_proj_bias,
               "out_proj_weight": layer.out_proj.weight, "out_proj_bias": layer.out_proj.bias}
    with torch.no_grad():
        for name, tensor in weights.items():
            tensor.copy_(torch.tensor(params[name]))
    inputs = {name: torch.tensor(array, requires_grad=True)
              for name, array in {"query": query, "key": key, "value": value}.items()}
    options: dict = {"need_weights": False}
    if key_padding_mask is not None:
        options["key_padding_mask"] = torch.tensor(key_padding_mask)
    if is_causal:  # torch needs the mask itself; boolean (True = masked) to match a boolean padding mask
        options["attn_mask"] = torch.isinf(torch.nn.Transformer.generate_square_subsequent_mask(query.shape[1]))
        options["is_causal"] = True
    out, _ = layer(*inputs.values(), **options)
    out.backward(torch.tensor(dout))
    grads = {name: tensor.grad.numpy() for name, tensor in {**inputs, **weights}.items()}
    return out.detach().numpy(), grads
