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
    # BEGIN SOLUTION
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        raise ValueError(f"{name} must be an int or a pair of ints (h, w), got {value!r}")
    if min(values) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(values[0]), int(values[1])
    # END SOLUTION


def _output_size(size: Hw, kernel: Hw, stride: Hw, padding: Hw, dilation: Hw) -> Hw:
    """(H_out, W_out) from size (H, W) and kernel (KH, KW): ``(size + 2*pad - dil*(k - 1) - 1) // stride + 1``.

    Raises:
        ValueError: the dilated kernel ``dil * (k - 1) + 1`` is larger than the padded input.
    """
    # BEGIN SOLUTION
    spans = [dilation[a] * (kernel[a] - 1) + 1 for a in range(2)]
    padded = [size[a] + 2 * padding[a] for a in range(2)]
    if spans[0] > padded[0] or spans[1] > padded[1]:
        raise ValueError(f"the kernel {kernel} with dilation {dilation} spans {tuple(spans)}, more than the "
                         f"input {tuple(size)} with padding {padding}: {tuple(padded)}")
    return (padded[0] - spans[0]) // stride[0] + 1, (padded[1] - spans[1]) // stride[1] + 1
    # END SOLUTION


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
    # BEGIN SOLUTION
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W) and w (F, C, KH, KW), got shapes {x.shape} and {w.shape}")
    if x.shape[1] != w.shape[1]:
        raise ValueError(f"x has {x.shape[1]} channels but w expects {w.shape[1]} (x {x.shape}, w {w.shape})")
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must be ({w.shape[0]},), one bias per filter, got shape {b.shape}")
    stride, dilation = _pair(stride, "stride", 1), _pair(dilation, "dilation", 1)
    padding = _pair(padding, "padding", 0)
    return stride, padding, dilation, _output_size(x.shape[2:], w.shape[2:], stride, padding, dilation)
    # END SOLUTION


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
    # BEGIN SOLUTION
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), got shape {x.shape}")
    kernel = _pair(kernel_size, "kernel_size", 1)
    stride = kernel if stride is None else _pair(stride, "stride", 1)
    padding = _pair(padding, "padding", 0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"padding {padding} must be at most half the kernel {kernel} on each axis")
    return kernel, stride, padding, _output_size(x.shape[2:], kernel, stride, padding, (1, 1))
    # END SOLUTION


def _pad(x: Array, padding: Hw, value: float) -> Array:
    """A copy of x (N, C, H, W) with ``pad_h`` rows of ``value`` above AND below, ``pad_w`` columns left AND right.

    Returns:
        xpad: (N, C, H + 2 * pad_h, W + 2 * pad_w), same dtype as x.
    """
    # BEGIN SOLUTION
    (ph, pw) = padding
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)
    # END SOLUTION


def _windows(xp: Array, kernel: Hw, stride: Hw, dilation: Hw) -> Array:
    """Every window of xp, as a view (no copy): ``windows[n, c, i, j, p, q] = xp[n, c, i*sh + p*dh, j*sw + q*dw]``.

    Args:
        xp: (N, C, Hp, Wp) padded input; kernel: (KH, KW); stride, dilation: (h, w) pairs.
    Returns:
        windows: (N, C, H_out, W_out, KH, KW).
    """
    # BEGIN SOLUTION
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    spans = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    view = np.lib.stride_tricks.sliding_window_view(xp, spans, axis=(2, 3))
    return view[:, :, ::sh, ::sw, ::dh, ::dw]
    # END SOLUTION


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
    # BEGIN SOLUTION
    _, _, h_out, w_out, kh, kw = dwindows.shape
    (sh, sw), (dh, dw), (ph, pw) = stride, dilation, padding
    dxp = np.zeros(padded_shape, dtype=dwindows.dtype)
    for p in range(kh):
        for q in range(kw):
            rows = slice(p * dh, p * dh + sh * (h_out - 1) + 1, sh)
            cols = slice(q * dw, q * dw + sw * (w_out - 1) + 1, sw)
            dxp[:, :, rows, cols] += dwindows[:, :, :, :, p, q]
    return dxp[:, :, ph:padded_shape[2] - ph, pw:padded_shape[3] - pw]
    # END SOLUTION


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
    # BEGIN SOLUTION
    stride, padding, dilation, (h_out, w_out) = _check_conv(x, w, b, stride, padding, dilation)
    n, f = x.shape[0], w.shape[0]
    xp = _pad(x, padding, 0)
    windows = _windows(xp, w.shape[2:], stride, dilation)  # (N, C, H_out, W_out, KH, KW), a view
    cols = windows.transpose(1, 4, 5, 0, 2, 3).reshape(-1, n * h_out * w_out)  # the copy: (C*KH*KW, N*P)
    out = (w.reshape(f, -1) @ cols + b[:, None]).reshape(f, n, h_out, w_out)
    out = np.ascontiguousarray(out.transpose(1, 0, 2, 3))
    return out, (xp.shape, w, cols, stride, padding, dilation)
    # END SOLUTION


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
    # BEGIN SOLUTION
    padded_shape, w, cols, stride, padding, dilation = cache
    n, f, h_out, w_out = dout.shape
    c, kh, kw = w.shape[1:]
    rows = dout.transpose(1, 0, 2, 3).reshape(f, -1)  # (F, N*P), the layout of cols
    db = dout.sum(axis=(0, 2, 3))
    dw = (rows @ cols.T).reshape(w.shape)
    dcols = (w.reshape(f, -1).T @ rows).reshape(c, kh, kw, n, h_out, w_out)
    dx = _scatter_windows(dcols.transpose(3, 0, 4, 5, 1, 2), padded_shape, padding, stride, dilation)
    return dx, dw, db
    # END SOLUTION


def _window_slices(i: int, j: int, kernel: Hw, stride: Hw, dilation: Hw) -> tuple[slice, slice]:
    """(rows, cols): ``xpad[..., rows, cols]`` is the (KH, KW) window that output (i, j) reads."""
    # BEGIN SOLUTION
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    return (slice(i * sh, i * sh + dh * (kh - 1) + 1, dh), slice(j * sw, j * sw + dw * (kw - 1) + 1, dw))
    # END SOLUTION


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
    # BEGIN SOLUTION
    stride, padding, dilation, (h_out, w_out) = _check_conv(x, w, b, stride, padding, dilation)
    n, f = x.shape[0], w.shape[0]
    xp = _pad(x, padding, 0)
    out = np.zeros((n, f, h_out, w_out), dtype=np.result_type(x, w, b))
    for image in range(n):
        for filt in range(f):
            for i in range(h_out):
                for j in range(w_out):
                    rows, cols = _window_slices(i, j, w.shape[2:], stride, dilation)
                    out[image, filt, i, j] = np.sum(xp[image, :, rows, cols] * w[filt]) + b[filt]
    return out, (xp, w, stride, padding, dilation)
    # END SOLUTION


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
    # BEGIN SOLUTION
    xp, w, stride, padding, dilation = cache
    n, f, h_out, w_out = dout.shape
    dxp, dw = np.zeros_like(xp, dtype=dout.dtype), np.zeros_like(w, dtype=dout.dtype)
    db = np.zeros(f, dtype=dout.dtype)
    for image in range(n):
        for filt in range(f):
            for i in range(h_out):
                for j in range(w_out):
                    rows, cols = _window_slices(i, j, w.shape[2:], stride, dilation)
                    grad = dout[image, filt, i, j]
                    dxp[image, :, rows, cols] += grad * w[filt]
                    dw[filt] += grad * xp[image, :, rows, cols]
                    db[filt] += grad
    (ph, pw) = padding
    return dxp[:, :, ph:xp.shape[2] - ph, pw:xp.shape[3] - pw], dw, db
    # END SOLUTION


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
    # BEGIN SOLUTION
    kernel, stride, padding, (h_out, w_out) = _check_pool(x, kernel_size, stride, padding)
    xp = _pad(x, padding, -np.inf)
    windows = _windows(xp, kernel, stride, (1, 1)).reshape(*x.shape[:2], h_out, w_out, -1)
    first_max = windows.argmax(axis=-1)  # row-major scan, first maximum wins ties, as torch
    out = np.take_along_axis(windows, first_max[..., None], axis=-1)[..., 0]
    return out, (xp.shape, first_max, kernel, stride, padding)
    # END SOLUTION


def max_pool2d_backward(dout: Array, cache: tuple) -> Array:
    """Each window's gradient goes to its maximum, the FIRST one in row-major order on ties:

        dx[n, c, argmax position of window (i, j)] += dout[n, c, i, j]

    Args:
        dout: (N, C, H_out, W_out); cache: from max_pool2d_forward.
    Returns:
        dx: (N, C, H, W), dtype of dout.
    """
    # BEGIN SOLUTION
    padded_shape, first_max, kernel, stride, padding = cache
    one_hot = first_max[..., None] == np.arange(kernel[0] * kernel[1])
    dwindows = (one_hot * dout[..., None]).reshape(*dout.shape, *kernel)
    return _scatter_windows(dwindows, padded_shape, padding, stride, (1, 1))
    # END SOLUTION


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
    # BEGIN SOLUTION
    kernel, stride, padding, _ = _check_pool(x, kernel_size, stride, padding)
    xp = _pad(x, padding, 0)
    out = _windows(xp, kernel, stride, (1, 1)).mean(axis=(-2, -1))
    return out, (xp.shape, kernel, stride, padding)
    # END SOLUTION


def avg_pool2d_backward(dout: Array, cache: tuple) -> Array:
    """Every element of window (i, j) gets an equal share: ``dx[window] += dout[n, c, i, j] / (KH * KW)``.

    Args:
        dout: (N, C, H_out, W_out); cache: from avg_pool2d_forward.
    Returns:
        dx: (N, C, H, W), dtype of dout.
    """
    # BEGIN SOLUTION
    padded_shape, kernel, stride, padding = cache
    share = dout / (kernel[0] * kernel[1])
    dwindows = np.broadcast_to(share[..., None, None], (*dout.shape, *kernel))
    return _scatter_windows(dwindows, padded_shape, padding, stride, (1, 1))
    # END SOLUTION
