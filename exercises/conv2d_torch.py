# Exercise generated from solutions/conv2d_torch.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m conv2d_torch`.
"""2-D convolution (cross-correlation, as torch's ``F.conv2d``), max pooling and average pooling on tensors.

Part 2 rebuilds Part 1's ``conv2d`` with raw tensors: the same geometry, but
autograd writes the backward pass, and one implementation runs wherever its
inputs live (CPU or CUDA)::

    out = conv2d(x, weight, bias, stride=1, padding=0, dilation=1)
    pooled = max_pool2d(x, kernel_size, stride=None)          stride=None means stride = kernel_size
    pooled = avg_pool2d(x, kernel_size, stride=None)

Layout NCHW. Shapes: x (N, C, H, W); weight (F, C, KH, KW); bias (F,) or None;
out (N, F, HO, WO) with

    HO = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1        (WO alike, with pw, dw, KW, sw)

``stride``, ``padding``, ``dilation`` and ``kernel_size`` are an int (both axes) or
a pair (h, w). Padding is zeros, ph rows above AND below, pw columns left AND right.
The kernel is not flipped::

    out[n, f, i, j] = bias[f] + sum_{c, p, q} weight[f, c, p, q] * xpad[n, c, i*sh + p*dh, j*sw + q*dw]

No ``torch.nn.functional.conv2d``, ``torch.conv2d``, ``F.max_pool2d``, ``F.pad``
or anything from ``torch.nn``: pad with ``x.new_zeros`` and a slice assignment,
cut the windows with ``Tensor.unfold`` and contract them with ``torch.einsum``.
"""

from __future__ import annotations

import torch
from torch import Tensor

Pair = int | tuple[int, int]  # a hyper-parameter as given: one int for both axes, or (h, w)
Hw = tuple[int, int]  # a hyper-parameter once normalised: (h, w)


def _pair(value: Pair, name: str, minimum: int) -> Hw:
    """``(h, w)``, two Python ints, from an int (used for both axes) or a pair ``value``.

    ``name`` is for the message; ``minimum`` is 1 for stride, dilation and kernel size, 0 for padding.

    Raises:
        ValueError: not an int or a pair of ints, or a value below ``minimum``.
    """
    raise NotImplementedError("conv2d_torch._pair: see docs/conv2d_torch.md")


def _pad(x: Tensor, padding: Hw) -> Tensor:
    """x (N, C, H, W) with ``ph`` rows of zeros above AND below and ``pw`` columns left AND right.

    Built as ``x.new_zeros(N, C, H + 2*ph, W + 2*pw)`` with x written into its middle: a new
    tensor on x's device, in x's dtype, through which autograd routes x's gradient.

    Returns:
        xpad: (N, C, H + 2 * ph, W + 2 * pw), x's dtype and device (x itself when there is no padding).
    """
    raise NotImplementedError("conv2d_torch._pad: see docs/conv2d_torch.md")


def _windows(xpad: Tensor, kernel: Hw, stride: Hw, dilation: Hw) -> Tensor:
    """Every window, as a view: ``windows[n, c, i, j, p, q] = xpad[n, c, i*sh + p*dh, j*sw + q*dw]``.

    ``unfold(2, span_h, sh)`` then ``unfold(3, span_w, sw)`` cut the dilated windows
    (span = d * (k - 1) + 1) starting every s rows and columns; ``[..., ::dh, ::dw]`` keeps their taps.

    Args:
        xpad: (N, C, Hp, Wp); kernel: (KH, KW); stride, dilation: (h, w) pairs.
    Returns:
        windows: (N, C, HO, WO, KH, KW), HO = (Hp - span_h) // sh + 1.
    Raises:
        ValueError: the dilated kernel is larger than xpad.
    """
    raise NotImplementedError("conv2d_torch._windows: see docs/conv2d_torch.md")


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Pair = 1, padding: Pair = 0,
           dilation: Pair = 1) -> Tensor:
    """Cross-correlation, as ``F.conv2d``: ``out[n, f] = bias[f] + sum_c xcorr(xpad[n, c], weight[f, c])``.

    im2col as a view, then one contraction::

        windows = _windows(_pad(x, padding), (KH, KW), stride, dilation)    (N, C, HO, WO, KH, KW)
        out = einsum("nchwpq,fcpq->nfhw", windows, weight)                  (N, F, HO, WO)
        out = out + bias[None, :, None, None]

    Args:
        x: (N, C, H, W); weight: (F, C, KH, KW); bias: (F,) or None; all one dtype and device.
        stride, dilation: an int or a pair, >= 1; padding: an int or a pair, >= 0.
    Returns:
        out: (N, F, HO, WO), x's dtype and device; differentiable in x, weight and bias.
    Raises:
        ValueError: x or weight not 4-D, channels of x and weight differ, bias not (F,), stride or
            dilation below 1, negative padding, or a dilated kernel larger than the padded input.
    """
    raise NotImplementedError("conv2d_torch.conv2d: see docs/conv2d_torch.md")


def _pool_windows(x: Tensor, kernel_size: Pair, stride: Pair | None) -> Tensor:
    """The pooling windows of x, flattened: ``(N, C, HO, WO, KH * KW)`` in row-major order.

    ``stride=None`` means ``stride = kernel_size``; HO = (H - KH) // sh + 1, no padding.

    Raises:
        ValueError: x not 4-D, kernel or stride below 1, or a kernel larger than the input.
    """
    raise NotImplementedError("conv2d_torch._pool_windows: see docs/conv2d_torch.md")


def max_pool2d(x: Tensor, kernel_size: Pair, stride: Pair | None = None) -> Tensor:
    """``out[n, c, i, j] = max of the (KH, KW) window at (i*sh, j*sw)``, as ``F.max_pool2d`` (no padding).

    ``windows.max(dim=-1).values``: its gradient goes to ONE element per window, the first
    maximum in row-major order, as torch's (``amax`` would share it among tied maxima).

    Args:
        x: (N, C, H, W); kernel_size: an int or a pair (KH, KW); stride: an int, a pair, or None
            for kernel_size.
    Returns:
        out: (N, C, HO, WO), HO = (H - KH) // sh + 1; x's dtype and device.
    Raises:
        ValueError: see ``_pool_windows``.
    """
    raise NotImplementedError("conv2d_torch.max_pool2d: see docs/conv2d_torch.md")


def avg_pool2d(x: Tensor, kernel_size: Pair, stride: Pair | None = None) -> Tensor:
    """``out[n, c, i, j] = mean of the (KH, KW) window at (i*sh, j*sw)``, as ``F.avg_pool2d`` (no padding).

    Each window is divided by KH * KW; the gradient of every window element is dout / (KH * KW).

    Args:
        x: (N, C, H, W); kernel_size: an int or a pair (KH, KW); stride: an int, a pair, or None
            for kernel_size.
    Returns:
        out: (N, C, HO, WO), HO = (H - KH) // sh + 1; x's dtype and device.
    Raises:
        ValueError: see ``_pool_windows``.
    """
    raise NotImplementedError("conv2d_torch.avg_pool2d: see docs/conv2d_torch.md")
