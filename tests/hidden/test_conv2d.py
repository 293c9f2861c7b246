"""Hidden checks for conv2d: torch parity, naive against vectorized, numerical gradients, the geometry of
stride, padding and dilation, pooling with ties, validation, dtypes, side effects."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_close, assert_dtype, assert_gradient, assert_raises
from grader.parity import assert_matches_torch

CAUSES = {
    "out": "cross-correlation, kernel NOT flipped: out[n, f, i, j] = b[f] + sum over c, p, q of "
           "w[f, c, p, q] * xpad[n, c, i*sh + p*dh, j*sw + q*dw], with the padding on BOTH sides",
    "x": "dx: add dout[n, f, i, j] * w[f] back onto the window (i, j) read, rows i*sh + p*dh and columns "
         "j*sw + q*dw (the forward's stride and dilation), then crop the padding",
    "w": "dw[f] = sum over n, i, j of dout[n, f, i, j] * the window (i, j) of xpad",
    "b": "db = dout.sum(axis=(0, 2, 3)): b[f] is added at every image and every position",
}
MAX_TIES = ("on ties the gradient goes to ONE element, the first maximum in row-major order "
            "(argmax, or a strict > while scanning), as torch")
AVG = "count_include_pad: the divisor is always KH*KW, padding zeros included; dx[window] += dout / (KH*KW)"


@st.composite
def pool_problems(draw, values="any", max_side=7, max_channels=3):
    """(x, dout, kernel_size, stride, padding) with torch's rule pad <= kernel // 2 on each axis."""
    kernel = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2))
    stride = draw(st.one_of(st.none(), gs.int_or_pair(1, 3)))
    steps = kernel if stride is None else gs.as_pair(stride)
    sides = [draw(st.integers(max(1, kernel[a] - 2 * padding[a]), max_side)) for a in range(2)]
    out_sides = [(sides[a] + 2 * padding[a] - kernel[a]) // steps[a] + 1 for a in range(2)]
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, max_channels)), *sides)
    if values == "distinct":  # maxima at least 0.1 apart: no ties, and numerical gradients are defined
        order = draw(st.permutations(range(int(np.prod(shape)))))
        x = np.array(order, dtype=np.float64).reshape(shape) * 0.1
    elif values == "few":  # rounded into {-1, 0, 1}: many ties
        x = draw(gs.float_arrays(shape).map(np.round).map(lambda a: np.clip(a, -1, 1)), label="x")
    else:
        x = draw(gs.float_arrays(shape), label="x")
    dout = draw(gs.float_arrays((shape[0], shape[1], *out_sides)), label="dout")
    kernel_size = kernel[0] if kernel[0] == kernel[1] and draw(st.booleans()) else kernel  # an int or a pair
    padding = padding[0] if padding[0] == padding[1] and draw(st.booleans()) else padding
    return x, dout, kernel_size, stride, padding


def torch_conv(params):
    import torch

    return lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **params)


@given(problem=gs.conv_problems())
def test_conv_matches_torch_in_float64(conv2d, problem):
    x, w, b, dout, params = problem
    out, cache = conv2d.conv2d_forward(x, w, b, **params)
    dx, dw, db = conv2d.conv2d_backward(dout, cache)
    assert_matches_torch(torch_conv(params), {"x": x, "w": w, "b": b}, out=out,
                         grads={"x": dx, "w": dw, "b": db}, dout=dout, forward="conv2d_forward",
                         backward="conv2d_backward", causes=CAUSES)


@given(problem=gs.conv_problems())
def test_naive_and_vectorized_agree(conv2d, problem):
    x, w, b, dout, params = problem
    out, cache = conv2d.conv2d_forward(x, w, b, **params)
    naive_out, naive_cache = conv2d.conv2d_forward_naive(x, w, b, **params)
    shown = {"x": x, "w": w, "b": b, "dout": dout, **params}
    cause = "the loops and the im2col version must compute the same sums: one of the two is wrong"
    assert_close(out, naive_out, name="out of conv2d_forward (vs conv2d_forward_naive)", inputs=shown, cause=cause)
    fast = conv2d.conv2d_backward(dout, cache)
    naive = conv2d.conv2d_backward_naive(dout, naive_cache)
    for label, got, expected in zip("xwb", fast, naive):
        assert_close(got, expected, name=f"d{label} of conv2d_backward (vs conv2d_backward_naive)",
                     inputs=shown, cause=cause)


@given(problem=gs.conv_problems(max_side=5, max_channels=2))
def test_conv_backward_matches_numerical_gradients(conv2d, problem):
    x, w, b, dout, params = problem
    _, cache = conv2d.conv2d_forward(x, w, b, **params)
    dx, dw, db = conv2d.conv2d_backward(dout, cache)
    shown = {"x": x, "w": w, "b": b, "dout": dout, **params}
    forward = conv2d.conv2d_forward
    assert_gradient(dx, lambda v: forward(v, w, b, **params)[0], x, dout=dout, name="dx of conv2d_backward",
                    inputs=shown, cause=CAUSES["x"])
    assert_gradient(dw, lambda v: forward(x, v, b, **params)[0], w, dout=dout, name="dw of conv2d_backward",
                    inputs=shown, cause=CAUSES["w"])
    assert_gradient(db, lambda v: forward(x, w, v, **params)[0], b, dout=dout, name="db of conv2d_backward",
                    inputs=shown, cause=CAUSES["b"])


def _forward_backward(conv2d, x, w, b, dout, **params):
    out, cache = conv2d.conv2d_forward(x, w, b, **params)
    return out, conv2d.conv2d_backward(dout, cache)


@given(problem=gs.conv_problems())
def test_stride_subsamples_the_stride_1_result(conv2d, problem):
    x, w, b, dout, params = problem
    sh, sw = gs.as_pair(params["stride"])
    dense = {**params, "stride": 1}
    dense_out, _ = conv2d.conv2d_forward(x, w, b, **dense)
    dense_dout = np.zeros(dense_out.shape)
    dense_dout[:, :, ::sh, ::sw] = dout  # stride s keeps every s-th position; the others get no gradient
    out, grads = _forward_backward(conv2d, x, w, b, dout, **params)
    _, dense_grads = _forward_backward(conv2d, x, w, b, dense_dout, **dense)
    shown = {"x": x, "w": w, "dout": dout, **params}
    assert_close(out, dense_out[:, :, ::sh, ::sw], name="out of conv2d_forward with a stride", inputs=shown,
                 cause="stride s keeps the windows starting at rows 0, s, 2s, ...: the stride-1 output [::s]")
    for label, got, expected in zip("xwb", grads, dense_grads):
        assert_close(got, expected, name=f"d{label} of conv2d_backward with a stride", inputs=shown,
                     cause="the window (i, j) starts at row i*sh, column j*sw in the backward as in the forward")


@given(problem=gs.conv_problems())
def test_dilation_is_a_kernel_with_holes(conv2d, problem):
    x, w, b, dout, params = problem
    dh, dw_ = gs.as_pair(params["dilation"])
    filters, channels, kh, kw = w.shape
    holes = np.zeros((filters, channels, dh * (kh - 1) + 1, dw_ * (kw - 1) + 1))
    holes[:, :, ::dh, ::dw_] = w  # dilation d = the kernel spread out with d - 1 zeros between its taps
    out, (dx, dw, db) = _forward_backward(conv2d, x, w, b, dout, **params)
    plain, (plain_dx, plain_dw, plain_db) = _forward_backward(conv2d, x, holes, b, dout, **{**params, "dilation": 1})
    shown = {"x": x, "w": w, "dout": dout, **params}
    cause = "dilation d reads the input d apart: rows i*sh + p*dh; the backward must add back at the same rows"
    assert_close(out, plain, name="out of conv2d_forward with a dilation", inputs=shown, cause=cause)
    assert_close(dx, plain_dx, name="dx of conv2d_backward with a dilation", inputs=shown, cause=cause)
    assert_close(dw, plain_dw[:, :, ::dh, ::dw_], name="dw of conv2d_backward with a dilation", inputs=shown,
                 cause=cause)
    assert_close(db, plain_db, name="db of conv2d_backward with a dilation", inputs=shown, cause=CAUSES["b"])


@given(problem=gs.conv_problems())
def test_padding_is_zeros_on_both_sides(conv2d, problem):
    x, w, b, dout, params = problem
    ph, pw = gs.as_pair(params["padding"])
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out, (dx, dw, db) = _forward_backward(conv2d, x, w, b, dout, **params)
    plain, (plain_dx, plain_dw, plain_db) = _forward_backward(conv2d, padded, w, b, dout, **{**params, "padding": 0})
    shown = {"x": x, "w": w, "dout": dout, **params}
    cause = "pad_h rows of zeros above AND below, pad_w columns left AND right, then crop the same off dx"
    assert_close(out, plain, name="out of conv2d_forward with padding", inputs=shown, cause=cause)
    assert_close(dx, plain_dx[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]],
                 name="dx of conv2d_backward with padding", inputs=shown, cause=cause)
    assert_close(dw, plain_dw, name="dw of conv2d_backward with padding", inputs=shown, cause=cause)
    assert_close(db, plain_db, name="db of conv2d_backward with padding", inputs=shown, cause=cause)


def test_conv_then_pool_matches_torch_on_a_batch(conv2d, rng):
    import torch

    x, w, b = rng.standard_normal((4, 3, 10, 9)), rng.standard_normal((5, 3, 3, 3)), rng.standard_normal(5)
    features, conv_cache = conv2d.conv2d_forward(x, w, b, padding=1)
    pooled, pool_cache = conv2d.max_pool2d_forward(features, 2)
    dout = rng.standard_normal(pooled.shape)
    dx, dw, db = conv2d.conv2d_backward(conv2d.max_pool2d_backward(dout, pool_cache), conv_cache)
    network = lambda x, w, b: torch.nn.functional.max_pool2d(torch.nn.functional.conv2d(x, w, b, padding=1), 2)
    assert_matches_torch(network, {"x": x, "w": w, "b": b}, out=pooled, grads={"x": dx, "w": dw, "b": db},
                         dout=dout, forward="max_pool2d_forward(conv2d_forward(...))",
                         backward="conv2d_backward(max_pool2d_backward(...))", causes=CAUSES)


def _check_pool(conv2d, pool, problem, causes):
    import torch

    x, dout, kernel_size, stride, padding = problem
    out, cache = getattr(conv2d, f"{pool}_pool2d_forward")(x, kernel_size, stride, padding)
    dx = getattr(conv2d, f"{pool}_pool2d_backward")(dout, cache)
    torch_pool = getattr(torch.nn.functional, f"{pool}_pool2d")
    assert_matches_torch(lambda x: torch_pool(x, kernel_size, stride, padding), {"x": x}, out=out, grads={"x": dx},
                         dout=dout, forward=f"{pool}_pool2d_forward", backward=f"{pool}_pool2d_backward",
                         causes=causes)


@given(problem=st.sampled_from(["any", "few"]).flatmap(lambda values: pool_problems(values=values)))
def test_max_pool_matches_torch_ties_included(conv2d, problem):
    _check_pool(conv2d, "max", problem, {"out": "the max of each window; padding is -inf, never picked",
                                         "x": f"dx gets dout at the max of each window; {MAX_TIES}"})


@pytest.mark.parametrize("shape, kernel_size, stride, padding", [
    ((1, 1, 4, 4), 2, 2, 0), ((2, 2, 5, 5), 3, 1, 1), ((1, 2, 4, 6), (2, 3), (1, 2), (1, 1)),
])
def test_max_pool_of_all_zeros_follows_torch(conv2d, rng, shape, kernel_size, stride, padding):
    out_sides = [(shape[2 + a] + 2 * gs.as_pair(padding)[a] - gs.as_pair(kernel_size)[a]) // gs.as_pair(stride)[a] + 1
                 for a in range(2)]
    dout = rng.standard_normal((*shape[:2], *out_sides))
    _check_pool(conv2d, "max", (np.zeros(shape), dout, kernel_size, stride, padding), {"x": MAX_TIES})


@given(problem=pool_problems())
def test_avg_pool_matches_torch(conv2d, problem):
    _check_pool(conv2d, "avg", problem, {"out": AVG, "x": AVG})


@pytest.mark.parametrize("pool", ["max", "avg"])
@given(problem=pool_problems(values="distinct", max_side=5, max_channels=2))
def test_pool_backward_matches_numerical_gradients(conv2d, pool, problem):
    x, dout, kernel_size, stride, padding = problem
    forward = getattr(conv2d, f"{pool}_pool2d_forward")
    _, cache = forward(x, kernel_size, stride, padding)
    dx = getattr(conv2d, f"{pool}_pool2d_backward")(dout, cache)
    assert_gradient(dx, lambda v: forward(v, kernel_size, stride, padding)[0], x, dout=dout,
                    name=f"dx of {pool}_pool2d_backward", inputs={"x": x, "dout": dout},
                    cause=AVG if pool == "avg" else "dout goes to the position of each window's max")


@pytest.mark.parametrize("pool", ["max", "avg"])
def test_pool_stride_defaults_to_the_kernel(conv2d, rng, pool):
    x = rng.standard_normal((2, 3, 7, 6))
    forward = getattr(conv2d, f"{pool}_pool2d_forward")
    implicit, _ = forward(x, (3, 2))
    explicit, _ = forward(x, (3, 2), stride=(3, 2))
    assert_close(implicit, explicit, name=f"out of {pool}_pool2d_forward with stride=None", inputs={"x": x},
                 cause="stride=None means stride = kernel_size (windows side by side), as torch; not 1")


def _conv_case(x_shape=(1, 2, 5, 5), w_shape=(3, 2, 3, 3), b_shape=(3,), **params):
    return (np.zeros(x_shape), np.zeros(w_shape), np.zeros(b_shape)), params


CONV_ERRORS = [
    (_conv_case(x_shape=(2, 5, 5)), "x of shape (2, 5, 5), not (N, C, H, W)"),
    (_conv_case(w_shape=(3, 3, 3)), "w of shape (3, 3, 3), not (F, C, KH, KW)"),
    (_conv_case(w_shape=(3, 1, 3, 3)), "x with 2 channels and w with 1"),
    (_conv_case(b_shape=(1,)), "b of shape (1,) for 3 filters (it would broadcast silently)"),
    (_conv_case(b_shape=(3, 1)), "b of shape (3, 1)"),
    (_conv_case(stride=0), "stride=0"),
    (_conv_case(stride=(1, -1)), "stride=(1, -1)"),
    (_conv_case(dilation=0), "dilation=0"),
    (_conv_case(padding=-1), "padding=-1"),
    (_conv_case(padding=(0, -1)), "padding=(0, -1)"),
    (_conv_case(w_shape=(3, 2, 6, 2)), "a 6x2 kernel on a 5x5 input without padding"),
    (_conv_case(dilation=3), "a 3x3 kernel with dilation 3 (spanning 7) on a 5x5 input"),
]


@pytest.mark.parametrize("suffix", ["", "_naive"])
@pytest.mark.parametrize("case, why", CONV_ERRORS)
def test_conv_rejects_invalid_inputs(conv2d, suffix, case, why):
    (x, w, b), params = case
    forward = getattr(conv2d, f"conv2d_forward{suffix}")
    assert_raises(ValueError, lambda: forward(x, w, b, **params), name=f"conv2d_forward{suffix}", why=why,
                  cause="check ranks, channels, b's shape (F,), stride/dilation >= 1, padding >= 0 and that the "
                        "dilated kernel fits the padded input, and raise ValueError before computing")


POOL_ERRORS = [
    ((np.zeros((3, 4, 4)), 2, None, 0), "x of shape (3, 4, 4), not (N, C, H, W)"),
    ((np.zeros((1, 1, 4, 4)), 0, None, 0), "kernel_size=0"),
    ((np.zeros((1, 1, 4, 4)), 2, 0, 0), "stride=0"),
    ((np.zeros((1, 1, 4, 4)), 2, None, -1), "padding=-1"),
    ((np.zeros((1, 1, 6, 6)), 3, 1, 2), "padding=2 with a 3x3 kernel (torch allows at most kernel // 2)"),
    ((np.zeros((1, 1, 6, 6)), (2, 4), 1, (0, 3)), "padding=(0, 3) with a (2, 4) kernel"),
    ((np.zeros((1, 1, 2, 5)), 3, None, 0), "a 3x3 kernel on a 2x5 input"),
]


@pytest.mark.parametrize("pool", ["max", "avg"])
@pytest.mark.parametrize("args, why", POOL_ERRORS)
def test_pool_rejects_invalid_inputs(conv2d, pool, args, why):
    forward = getattr(conv2d, f"{pool}_pool2d_forward")
    assert_raises(ValueError, lambda: forward(*args), name=f"{pool}_pool2d_forward", why=why,
                  cause="check x's rank, kernel and stride >= 1, 0 <= padding <= kernel // 2 on each axis, and that "
                        "the kernel fits the padded input, and raise ValueError")


def test_float32_stays_float32(conv2d, rng):
    x, w, b = (rng.standard_normal(shape).astype(np.float32) for shape in [(2, 3, 6, 6), (4, 3, 3, 3), (4,)])
    for suffix in ["", "_naive"]:
        out, cache = getattr(conv2d, f"conv2d_forward{suffix}")(x, w, b, stride=2, padding=1)
        assert_dtype(out, np.float32, name=f"out of conv2d_forward{suffix}",
                     cause="np.zeros(shape) is float64: pass dtype=x.dtype")
        grads = getattr(conv2d, f"conv2d_backward{suffix}")(np.ones_like(out), cache)
        for label, grad in zip("xwb", grads):
            assert_dtype(grad, np.float32, name=f"d{label} of conv2d_backward{suffix}",
                         cause="np.zeros(shape) is float64: pass dtype=dout.dtype")
    for pool in ["max", "avg"]:
        out, cache = getattr(conv2d, f"{pool}_pool2d_forward")(x, 3, 2, 1)
        assert_dtype(out, np.float32, name=f"out of {pool}_pool2d_forward")
        assert_dtype(getattr(conv2d, f"{pool}_pool2d_backward")(np.ones_like(out), cache), np.float32,
                     name=f"dx of {pool}_pool2d_backward", cause="np.zeros(shape) is float64: pass dtype=dout.dtype")


def test_inputs_are_not_modified(conv2d, rng):
    arrays = {"x": rng.standard_normal((2, 3, 6, 5)), "w": rng.standard_normal((2, 3, 2, 3)),
              "b": rng.standard_normal(2)}
    before = {key: value.copy() for key, value in arrays.items()}
    douts = {}
    for suffix in ["", "_naive"]:
        out, cache = getattr(conv2d, f"conv2d_forward{suffix}")(arrays["x"], arrays["w"], arrays["b"], padding=1)
        douts[f"dout of conv2d_backward{suffix}"] = dout = rng.standard_normal(out.shape)
        before[f"dout of conv2d_backward{suffix}"] = dout.copy()
        getattr(conv2d, f"conv2d_backward{suffix}")(dout, cache)
    for pool in ["max", "avg"]:
        out, cache = getattr(conv2d, f"{pool}_pool2d_forward")(arrays["x"], 2, 1, 1)
        douts[f"dout of {pool}_pool2d_backward"] = dout = rng.standard_normal(out.shape)
        before[f"dout of {pool}_pool2d_backward"] = dout.copy()
        getattr(conv2d, f"{pool}_pool2d_backward")(dout, cache)
    for key, value in {**arrays, **douts}.items():
        assert_close(value, before[key], name=f"{key} after the forward and backward calls", rtol=0, atol=0,
                     cause="an in-place update (dout /= ..., x -= ...) changed the caller's array: write dout / ...")
