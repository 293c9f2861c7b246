# Exercise generated from solutions/conv2d.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m conv2d`.
"""2-D convolution (cross-correlation, as torch's ``F.conv2d``), max pooling and average pooling.

Layout NCHW, as in torch; ``out, cache = conv2d_forward(x, w, b, stride, padding, dilation)``
and ``dx, dw, db = conv2d_backward(dout, cache)``; pooling: ``dx = max_pool2d_backward(dout, cache)``.
Shapes: x (N, C, H, W); w (F, C, KH, KW); b (F,); out and dout (N, F, H_out, W_out) with

    H_out = (H + 2 * pad_h - dil_h * (KH - 1) - 1) // stride_h + 1        (W_out alike)

``stride``, ``padding``, ``dilation`` and ``kernel_size`` are an int or a pair (h, w).
Padding is symmetric: pad_h rows above AND below (zeros; -inf for max pooling).
"Convolution" is cross-correlation, as in every deep learning library, the kernel not flipped::

    out[n, f, i, j] = b[f] + sum_{c, p, q} w[f, c, p, q] * xpad[n, c, i*sh + p*dh, j*sw + q*dw]

The vectorized functions gather every window at once (im2col) and do one
matrix product; the ``_naive`` ones loop over every output position.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]
Pair = int | tuple[int, int]  # a hyper-parameter as given: one int for both axes, or (h, w)
Hw = tuple[int, int]  # a hyper-parameter once normalised: (h, w)


def _pair(value: Pair, name: str, minimum: int) -> Hw:
    """``(h, w)``, two Python ints, from an int (used for both axes) or a pair ``value``.

    ``name`` is for the message; ``minimum`` is 1 for stride, dilation and kernel, 0 for padding.

    Raises:
        ValueError: not an int or a pair of ints, or a value below ``minimum``.
    """
    raise NotImplementedError("conv2d._pair: see docs/conv2d.md")


def _output_size(size: Hw, kernel: Hw, stride: Hw, padding: Hw, dilation: Hw) -> Hw:
    """(H_out, W_out) from size (H, W) and kernel (KH, KW): ``(size + 2*pad - dil*(k - 1) - 1) // stride + 1``.

    Raises:
        ValueError: the dilated kernel ``dil * (k - 1) + 1`` is larger than the padded input.
    """
    raise NotImplementedError("conv2d._output_size: see docs/conv2d.md")


def _check_conv(x: Array, w: Array, b: Array, stride: Pair, padding: Pair, dilation: Pair) -> tuple[Hw, Hw, Hw, Hw]:
    """Validate the arguments of conv2d_forward and normalise the hyper-parameters to pairs.

    Args:
        x: (N, C, H, W); w: (F, C, KH, KW); b: (F,); stride, padding, dilation: ints or pairs.
    Returns:
        stride, padding, dilation, (H_out, W_out): four (h, w) pairs of ints.
    Raises:
        ValueError: x or w not 4-D, b not (F,), channels of x and w differ, stride or dilation
            below 1, negative padding, or a dilated kernel larger than the padded input.
    """
    raise NotImplementedError("conv2d._check_conv: see docs/conv2d.md")


def _check_pool(x: Array, kernel_size: Pair, stride: Pair | None, padding: Pair) -> tuple[Hw, Hw, Hw, Hw]:
    """Validate the arguments of a pooling layer; ``stride=None`` means ``stride = kernel_size``.

    Args:
        x: (N, C, H, W); kernel_size, stride, padding: ints or pairs.
    Returns:
        kernel, stride, padding, (H_out, W_out): four (h, w) pairs of ints.
    Raises:
        ValueError: x not 4-D, kernel or stride below 1, negative padding, padding larger than
            half the kernel (torch's rule: ``pad <= k // 2``), or a kernel larger than the padded input.
    """
    raise NotImplementedError("conv2d._check_pool: see docs/conv2d.md")


def _pad(x: Array, padding: Hw, value: float) -> Array:
    """A copy of x (N, C, H, W) with ``pad_h`` rows of ``value`` above AND below, ``pad_w`` columns left AND right.

    Returns:
        xpad: (N, C, H + 2 * pad_h, W + 2 * pad_w), same dtype as x.
    """
    raise NotImplementedError("conv2d._pad: see docs/conv2d.md")


def _windows(xp: Array, kernel: Hw, stride: Hw, dilation: Hw) -> Array:
    """Every window of xp, as a view (no copy): ``windows[n, c, i, j, p, q] = xp[n, c, i*sh + p*dh, j*sw + q*dw]``.

    Args:
        xp: (N, C, Hp, Wp) padded input; kernel: (KH, KW); stride, dilation: (h, w) pairs.
    Returns:
        windows: (N, C, H_out, W_out, KH, KW).
    """
    raise NotImplementedError("conv2d._windows: see docs/conv2d.md")


def _scatter_windows(dwindows: Array, padded_shape: tuple[int, ...], padding: Hw, stride: Hw,
                     dilation: Hw) -> Array:
    """col2im, the adjoint of ``_windows``: add every window's gradient back where it was read, then unpad.

    One loop over the KH * KW taps, each adding an (N, C, H_out, W_out) slab to a strided slice:
    ADD, because windows overlap when the stride is smaller than the dilated kernel.

    Args:
        dwindows: (N, C, H_out, W_out, KH, KW) gradient of every window element.
        padded_shape: (N, C, Hp, Wp); padding, stride, dilation: (h, w) pairs.
    Returns:
        dx: (N, C, Hp - 2 * pad_h, Wp - 2 * pad_w), dtype of dwindows.
    """
    raise NotImplementedError("conv2d._scatter_windows: see docs/conv2d.md")


def conv2d_forward(
    x: Array, w: Array, b: Array, stride: Pair = 1, padding: Pair = 0, dilation: Pair = 1
) -> tuple[Array, tuple]:
    """Vectorized cross-correlation: ``out[n, f] = b[f] + sum_c xcorr(xpad[n, c], w[f, c])``.

    im2col: copy every window into one column of cols (K, N*P), K = C*KH*KW, P = H_out*W_out,
    then one matrix product for the whole batch:

        out = w.reshape(F, K) @ cols + b[:, None]       (F, K) @ (K, N*P) -> (F, N*P) -> (N, F, H_out, W_out)

    Args:
        x: (N, C, H, W) inputs; w: (F, C, KH, KW) filters; b: (F,) biases.
        stride, padding, dilation: an int or a pair (h, w); stride, dilation >= 1, padding >= 0.
    Returns:
        out: (N, F, H_out, W_out), H_out = (H + 2*pad_h - dil_h*(KH-1) - 1) // stride_h + 1.
        cache: what conv2d_backward needs.
    Raises:
        ValueError: see ``_check_conv``.
    """
    raise NotImplementedError("conv2d.conv2d_forward: see docs/conv2d.md")


def conv2d_backward(dout: Array, cache: tuple) -> tuple[Array, Array, Array]:
    """Gradients of conv2d_forward, with rows = dout as (F, N*P) and cols (K, N*P) from the forward:

        db = dout.sum(axis=(0, 2, 3))                 (N, F, H_out, W_out) -> (F,)
        dw = rows @ cols.T                            (F, N*P) @ (N*P, K) -> (F, K) -> (F, C, KH, KW)
        dcols = w.reshape(F, K).T @ rows              (K, F) @ (F, N*P) -> (K, N*P)
        dx = col2im(dcols): each window's gradient ADDED back where it was read, then unpadded

    Args:
        dout: (N, F, H_out, W_out) upstream gradient.
        cache: from conv2d_forward.
    Returns:
        dx: (N, C, H, W); dw: (F, C, KH, KW); db: (F,).
    """
    raise NotImplementedError("conv2d.conv2d_backward: see docs/conv2d.md")


def _window_slices(i: int, j: int, kernel: Hw, stride: Hw, dilation: Hw) -> tuple[slice, slice]:
    """(rows, cols): ``xpad[..., rows, cols]`` is the (KH, KW) window that output (i, j) reads."""
    raise NotImplementedError("conv2d._window_slices: see docs/conv2d.md")


def conv2d_forward_naive(
    x: Array, w: Array, b: Array, stride: Pair = 1, padding: Pair = 0, dilation: Pair = 1
) -> tuple[Array, tuple]:
    """conv2d_forward with explicit loops over n, f, i, j (to read, and to check the fast one):

        out[n, f, i, j] = b[f] + sum(xpad[n, :, window(i, j)] * w[f])      (C, KH, KW) * (C, KH, KW)

    Args:
        x: (N, C, H, W); w: (F, C, KH, KW); b: (F,); stride, padding, dilation: as conv2d_forward.
    Returns:
        out: (N, F, H_out, W_out); cache: what conv2d_backward_naive needs.
    Raises:
        ValueError: as conv2d_forward.
    """
    raise NotImplementedError("conv2d.conv2d_forward_naive: see docs/conv2d.md")


def conv2d_backward_naive(dout: Array, cache: tuple) -> tuple[Array, Array, Array]:
    """conv2d_backward with explicit loops: each output (n, f, i, j) sends back

        dxpad[n, :, window(i, j)] += dout[n, f, i, j] * w[f]
        dw[f]                     += dout[n, f, i, j] * xpad[n, :, window(i, j)]
        db[f]                     += dout[n, f, i, j]

    then dx is dxpad without its padding.

    Args:
        dout: (N, F, H_out, W_out); cache: from conv2d_forward_naive.
    Returns:
        dx: (N, C, H, W); dw: (F, C, KH, KW); db: (F,).
    """
    raise NotImplementedError("conv2d.conv2d_backward_naive: see docs/conv2d.md")


def max_pool2d_forward(
    x: Array, kernel_size: Pair, stride: Pair | None = None, padding: Pair = 0
) -> tuple[Array, tuple]:
    """``out[n, c, i, j] = max of the (KH, KW) window at (i*sh, j*sw)`` of x padded with -inf.

    Args:
        x: (N, C, H, W); kernel_size: an int or a pair (KH, KW); stride: an int, a pair, or None for
        kernel_size (as torch); padding: an int or a pair, at most half the kernel, -inf so never picked.
    Returns:
        out: (N, C, H_out, W_out), H_out = (H + 2*pad_h - KH) // stride_h + 1.
        cache: what max_pool2d_backward needs (which element of each window was the max).
    Raises:
        ValueError: see ``_check_pool``.
    """
    raise NotImplementedError("conv2d.max_pool2d_forward: see docs/conv2d.md")


def max_pool2d_backward(dout: Array, cache: tuple) -> Array:
    """Each window's gradient goes to its maximum, the FIRST one in row-major order on ties:

        dx[n, c, argmax position of window (i, j)] += dout[n, c, i, j]

    Args:
        dout: (N, C, H_out, W_out); cache: from max_pool2d_forward.
    Returns:
        dx: (N, C, H, W), dtype of dout.
    """
    raise NotImplementedError("conv2d.max_pool2d_backward: see docs/conv2d.md")


def avg_pool2d_forward(
    x: Array, kernel_size: Pair, stride: Pair | None = None, padding: Pair = 0
) -> tuple[Array, tuple]:
    """``out[n, c, i, j] = mean of the (KH, KW) window`` of x padded with zeros, divisor always KH * KW.

    The padding zeros count in the mean (torch's default, count_include_pad=True).

    Args:
        x: (N, C, H, W); kernel_size, stride, padding: as max_pool2d_forward.
    Returns:
        out: (N, C, H_out, W_out).
        cache: what avg_pool2d_backward needs.
    Raises:
        ValueError: see ``_check_pool``.
    """
    raise NotImplementedError("conv2d.avg_pool2d_forward: see docs/conv2d.md")


def avg_pool2d_backward(dout: Array, cache: tuple) -> Array:
    """Every element of window (i, j) gets an equal share: ``dx[window] += dout[n, c, i, j] / (KH * KW)``.

    Args:
        dout: (N, C, H_out, W_out); cache: from avg_pool2d_forward.
    Returns:
        dx: (N, C, H, W), dtype of dout.
    """
    raise NotImplementedError("conv2d.avg_pool2d_backward: see docs/conv2d.md")
