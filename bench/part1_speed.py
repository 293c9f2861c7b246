"""The reference NumPy conv2d and attention next to torch on the CPU, in the same run.

    python bench/part1_speed.py [--repeats 5] [--impl solutions]

conv2d: a LeNet-sized batch, x 64x3x32x32 and 6 filters 5x5, forward + backward,
vectorized and naive loops. attention: batch 8, 4 heads, 128 tokens, head dim
32 (embedding 128), multi-head forward + backward. Each figure is the median
wall time over the repeats after one warm-up; the ratios are NumPy / torch.
Targets (issue 3): conv2d within 3x of torch, attention within 2x.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_seconds  # noqa: E402 (bench/ is the script folder)


def conv2d_figures(conv, repeats: int) -> dict[str, float]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3, 32, 32))
    w, b = rng.standard_normal((6, 3, 5, 5)), rng.standard_normal(6)
    dout = rng.standard_normal((64, 6, 28, 28))

    def vectorized():
        _, cache = conv.conv2d_forward(x, w, b)
        return conv.conv2d_backward(dout, cache)

    def naive():
        _, cache = conv.conv2d_forward_naive(x, w, b)
        return conv.conv2d_backward_naive(dout, cache)

    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    tdout = torch.tensor(dout)

    def reference():
        for tensor in (tx, tw, tb):
            tensor.grad = None
        torch.nn.functional.conv2d(tx, tw, tb).backward(tdout)

    return {"numpy": median_seconds(vectorized, repeats), "torch": median_seconds(reference, repeats),
            "naive": median_seconds(naive, 1)}


def attention_figures(attention, repeats: int) -> dict[str, float]:
    batch, heads, tokens, head_dim = 8, 4, 128, 32
    embed = heads * head_dim
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, tokens, embed))
    dout = rng.standard_normal((batch, tokens, embed))
    module = torch.nn.MultiheadAttention(embed, heads, batch_first=True, dtype=torch.float64)
    params = {"in_proj_weight": module.in_proj_weight.detach().numpy().copy(),
              "in_proj_bias": module.in_proj_bias.detach().numpy().copy(),
              "out_proj_weight": module.out_proj.weight.detach().numpy().copy(),
              "out_proj_bias": module.out_proj.bias.detach().numpy().copy()}

    def numpy_version():
        _, cache = attention.multi_head_attention_forward(x, x, x, params, heads)
        return attention.multi_head_attention_backward(dout, cache)

    tx, tdout = torch.tensor(x, requires_grad=True), torch.tensor(dout)

    def reference():
        tx.grad = None
        module.zero_grad()
        module(tx, tx, tx, need_weights=False)[0].backward(tdout)

    return {"numpy": median_seconds(numpy_version, repeats), "torch": median_seconds(reference, repeats)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--impl", default="solutions", help="the package to time: solutions or exercises")
    args = parser.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__}; "
          f"median of {args.repeats} after a warm-up, float64")
    conv = conv2d_figures(importlib.import_module(f"{args.impl}.conv2d"), args.repeats)
    print(f"conv2d fwd+bwd 64x3x32x32, 6x3x5x5: numpy {conv['numpy'] * 1e3:.1f} ms, torch "
          f"{conv['torch'] * 1e3:.1f} ms, ratio {conv['numpy'] / conv['torch']:.2f} (target <= 3); "
          f"naive loops {conv['naive']:.2f} s ({conv['naive'] / conv['numpy']:.0f}x the vectorized)")
    attention = attention_figures(importlib.import_module(f"{args.impl}.attention"), args.repeats)
    print(f"multi-head attention fwd+bwd 8x128x128, 4 heads: numpy {attention['numpy'] * 1e3:.1f} ms, torch "
          f"{attention['torch'] * 1e3:.1f} ms, ratio {attention['numpy'] / attention['torch']:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
