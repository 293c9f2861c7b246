"""Hidden checks for attention: torch parity, numerical gradients, masks, stability, heads, positions."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader import strategies as gs
from grader.checks import assert_close, assert_dtype, assert_gradient, assert_raises, assert_shape
from grader.oracles import torch_multi_head_attention
from grader.parity import assert_matches_torch

SDPA = "scaled_dot_product_attention"
MHA = "multi_head_attention"
PARAMS = ("in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias")
MASK_FIRST = "apply the mask to the SCORES (masked -> -inf) before the softmax, so the allowed weights renormalise"
CAUSES = {
    "out": "out = softmax(q @ k^T / sqrt(d)) @ v with the softmax over the keys (axis=-1); "
           "mask True = may attend; is_causal allows keys j <= i (the diagonal included)",
    "q": "dq = dS @ k / sqrt(d) with dS = P * (dP - sum(dP * P, axis=-1)) and dP = dout @ v^T",
    "k": "dk = dS^T @ q / sqrt(d): swap the last two axes of dS, not the leading ones",
    "v": "dv = P^T @ dout, with P the attention weights",
}
MHA_CAUSE = ("project with x @ W.T + b (torch's (out, in) layout), split the EMBEDDING axis into heads "
             "(N, T, H, Dh) -> (N, H, T, Dh), attend, merge back, project out; key_padding_mask True = ignored")


def torch_attention(mask, is_causal):
    """torch's F.scaled_dot_product_attention with the same mask, as a function of q, k, v."""
    import torch

    options = {"is_causal": is_causal}
    if mask is not None:
        options["attn_mask"] = torch.tensor(mask)
    return lambda q, k, v: torch.nn.functional.scaled_dot_product_attention(q, k, v, **options)


@st.composite
def attention_inputs(draw, bound=3.0, every_row_allowed=False):
    """q, k, v, dout, mask, is_causal: up to two leading axes; a mask may hide every key of a row.

    torch >= 2.5 (F.scaled_dot_product_attention's "safe softmax") returns zeros for such a row, like
    the reference; the plain softmax, and torch before 2.5, give nan.
    """
    lead = draw(gs.shapes(min_dims=0, max_dims=2, max_side=3))
    q_len, k_len, depth, v_depth = (draw(st.integers(1, 5), label=label) for label in ("Tq", "Tk", "d", "dv"))
    q = draw(gs.float_arrays((*lead, q_len, depth), bound=bound), label="q")
    k = draw(gs.float_arrays((*lead, k_len, depth), bound=bound), label="k")
    v = draw(gs.float_arrays((*lead, k_len, v_depth), bound=bound), label="v")
    dout = draw(gs.float_arrays((*lead, q_len, v_depth)), label="dout")
    mode = draw(st.sampled_from(["none", "mask", "causal"]), label="mode")
    mask = None
    if mode == "mask":
        shape = draw(st.sampled_from([(q_len, k_len), (*lead, q_len, k_len)]), label="mask shape")
        mask = draw(hnp.arrays(np.bool_, shape), label="mask")
        if every_row_allowed:
            mask = mask | ~mask.any(axis=-1, keepdims=True)
    return q, k, v, dout, mask, mode == "causal"


@given(inputs=attention_inputs())
def test_attention_matches_torch_in_float64(attention, inputs):
    q, k, v, dout, mask, is_causal = inputs
    out, cache = attention.scaled_dot_product_attention_forward(q, k, v, mask=mask, is_causal=is_causal)
    dq, dk, dv = attention.scaled_dot_product_attention_backward(dout, cache)
    assert_matches_torch(torch_attention(mask, is_causal), {"q": q, "k": k, "v": v}, out=out,
                         grads={"q": dq, "k": dk, "v": dv}, dout=dout, forward=f"{SDPA}_forward",
                         backward=f"{SDPA}_backward", causes=CAUSES)


@given(inputs=attention_inputs(bound=2.0))
def test_attention_backward_matches_numerical_gradients(attention, inputs):
    q, k, v, dout, mask, is_causal = inputs
    q, k, v, dout = q[..., :3, :3], k[..., :3, :3], v[..., :3, :2], dout[..., :3, :2]  # tiny: cheap differences
    mask = None if mask is None else mask[..., :3, :3]
    _, cache = attention.scaled_dot_product_attention_forward(q, k, v, mask=mask, is_causal=is_causal)
    grads = attention.scaled_dot_product_attention_backward(dout, cache)
    arrays = {"q": q, "k": k, "v": v}
    for (label, array), grad in zip(arrays.items(), grads):
        def forward(value, label=label):
            return attention.scaled_dot_product_attention_forward(
                **{**arrays, label: value}, mask=mask, is_causal=is_causal)[0]

        assert_gradient(grad, forward, array, dout=dout, name=f"d{label} of {SDPA}_backward",
                        inputs={**arrays, "dout": dout}, cause=CAUSES[label])


@given(inputs=attention_inputs(bound=5.0, every_row_allowed=True))
def test_attention_weights_rows_sum_to_one(attention, inputs):
    q, k, _, _, mask, is_causal = inputs
    k_len = k.shape[-2]
    identity = np.broadcast_to(np.eye(k_len), (*k.shape[:-2], k_len, k_len)).copy()
    weights, _ = attention.scaled_dot_product_attention_forward(q, k, identity, mask=mask, is_causal=is_causal)
    shown = {"q": q, "k": k, "v": identity}
    assert_close(weights.sum(axis=-1), np.ones(q.shape[:-1]), name=f"row sums of the weights of {SDPA}_forward",
                 inputs=shown, cause="the softmax runs over the keys (axis=-1), and "
                                     f"masking must happen before it: {MASK_FIRST}")
    assert np.all(weights >= 0), f"{SDPA}_forward gave negative attention weights (v = identity shows them)"


@pytest.mark.parametrize("case", ["mask", "is_causal"])
def test_masked_positions_get_zero_weight_and_gradient(attention, rng, case):
    q, k = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4))
    if case == "mask":
        options = {"mask": rng.random((3, 5)) < 0.5}
        options["mask"][:, 0], options["mask"][:, 2] = True, False  # key 2 is never allowed
        allowed, unused = options["mask"], [2]
    else:
        options = {"is_causal": True}
        allowed, unused = np.tril(np.ones((3, 5), dtype=bool)), [3, 4]  # Tq=3: keys 3 and 4 are in nobody's past
    weights, _ = attention.scaled_dot_product_attention_forward(q, k, np.broadcast_to(np.eye(5), (2, 5, 5)), **options)
    assert_close(np.where(allowed, 0.0, weights), np.zeros((2, 3, 5)), rtol=0, atol=0,
                 name=f"weights of masked positions in {SDPA}_forward ({case})", inputs={"q": q, "k": k},
                 cause="a masked score must become -inf before the softmax, so its weight is exactly 0; "
                       "is_causal masks exactly the keys j > i")
    v, dout = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 3, 3))
    _, cache = attention.scaled_dot_product_attention_forward(q, k, v, **options)
    _, dk, dv = attention.scaled_dot_product_attention_backward(dout, cache)
    for label, grad in (("dk", dk), ("dv", dv)):
        assert_close(grad[:, unused], np.zeros((2, len(unused), grad.shape[-1])), rtol=0, atol=0,
                     name=f"{label} of {SDPA}_backward at keys no query may attend ({case})",
                     inputs={"q": q, "k": k, "v": v}, cause="a key with zero weight everywhere gets no gradient")


def test_causal_mask_keeps_the_diagonal(attention):
    q, k = np.zeros((4, 2)), np.zeros((4, 2))  # equal scores: each row spreads evenly over its allowed keys
    weights, _ = attention.scaled_dot_product_attention_forward(q, k, np.eye(4), is_causal=True)
    expected = np.tril(np.ones((4, 4))) / np.arange(1, 5)[:, None]
    assert_close(weights, expected, name=f"weights of {SDPA}_forward with is_causal", inputs={"q": q, "k": k},
                 cause="query i attends to keys 0..i INCLUDED: np.tril(np.ones((Tq, Tk), dtype=bool)) "
                       "(k=0), not k=-1 nor k=1")


def test_row_with_no_allowed_key_gives_zeros(attention, rng):
    q, k, v = rng.standard_normal((3, 2)), rng.standard_normal((4, 2)), rng.standard_normal((4, 3))
    mask = np.array([[True, False, True, True], [False] * 4, [False, True, False, False]])
    out, cache = attention.scaled_dot_product_attention_forward(q, k, v, mask=mask)
    dq, dk, dv = attention.scaled_dot_product_attention_backward(np.ones((3, 3)), cache)
    cause = ("a row with every key masked has max = -inf and exp(-inf - -inf) = nan; use a max of 0 for "
             "such rows and divide by 1 where the sum is 0, so the row's weights are all 0 "
             "(as torch's F.scaled_dot_product_attention since 2.5)")
    assert_close(out[1], np.zeros(3), name=f"out[1] of {SDPA}_forward for a row with no allowed key",
                 inputs={"q": q, "k": k, "v": v, "mask": mask}, rtol=0, atol=0, cause=cause)
    assert_close(dq[1], np.zeros(2), name=f"dq[1] of {SDPA}_backward for a row with no allowed key",
                 rtol=0, atol=0, cause=cause)
    assert_matches_torch(torch_attention(mask, False), {"q": q, "k": k, "v": v}, out=out,
                         grads={"q": dq, "k": dk, "v": dv}, dout=np.ones((3, 3)), forward=f"{SDPA}_forward",
                         backward=f"{SDPA}_backward", causes={name: cause for name in ("out", "q", "k", "v")})


@pytest.mark.parametrize("shape", [(1, 3, 2), (2, 4, 6)])
def test_stable_for_large_scores(attention, rng, shape):
    import torch

    lead, length, depth = shape[:-2], shape[-2], shape[-1]
    q = rng.uniform(-1e3, 1e3, (*lead, length, depth))
    k = rng.uniform(-1e3, 1e3, (*lead, length + 1, depth))
    v = rng.standard_normal((*lead, length + 1, 2))
    out, cache = attention.scaled_dot_product_attention_forward(q, k, v)
    expected = torch_attention(None, False)(*(torch.tensor(a) for a in (q, k, v))).numpy()
    cause = "scores reach 1e6: subtract the row maximum before exp (softmax(s) = softmax(s - max))"
    assert_close(out, expected, name=f"out of {SDPA}_forward with |q|, |k| ~ 1e3", inputs={"q": q, "k": k, "v": v},
                 cause=cause)
    grads = attention.scaled_dot_product_attention_backward(np.ones_like(out), cache)
    for label, grad in zip(("dq", "dk", "dv"), grads):
        assert np.all(np.isfinite(grad)), f"{label} of {SDPA}_backward is not finite for scores of 1e6; {cause}"


@pytest.mark.parametrize("depth", [4, 9, 16])
def test_scores_are_scaled_by_one_over_sqrt_d(attention, depth):
    q, k = np.ones((1, depth)), np.stack([np.ones(depth), np.zeros(depth)])  # scores [d / sqrt(d), 0] = [sqrt(d), 0]
    weights, _ = attention.scaled_dot_product_attention_forward(q, k, np.eye(2))
    first = 1 / (1 + np.exp(-np.sqrt(depth)))
    assert_close(weights, [[first, 1 - first]], name=f"weights of {SDPA}_forward with d={depth}",
                 inputs={"q": q, "k": k}, cause="divide the scores by sqrt(d), d = q.shape[-1]: not by d, not by 1")


def random_params(rng, embed, scale=1.0):
    return {"in_proj_weight": rng.standard_normal((3 * embed, embed)) * scale / np.sqrt(embed),
            "in_proj_bias": rng.standard_normal(3 * embed) * scale,
            "out_proj_weight": rng.standard_normal((embed, embed)) * scale / np.sqrt(embed),
            "out_proj_bias": rng.standard_normal(embed) * scale}


@st.composite
def multi_head_inputs(draw):
    batch, q_len, heads, head_dim = (draw(st.integers(lo, hi), label=label) for label, lo, hi in
                                     (("N", 1, 3), ("Tq", 1, 4), ("H", 1, 3), ("Dh", 1, 3)))
    is_causal = draw(st.booleans(), label="is_causal")
    k_len = q_len if is_causal else draw(st.integers(1, 4), label="Tk")
    embed = heads * head_dim
    query = draw(gs.float_arrays((batch, q_len, embed), bound=2.0), label="query")
    key = draw(gs.float_arrays((batch, k_len, embed), bound=2.0), label="key")
    value = draw(gs.float_arrays((batch, k_len, embed), bound=2.0), label="value")
    params = {name: draw(gs.float_arrays(shape, bound=1.0), label=name) for name, shape in
              zip(PARAMS, [(3 * embed, embed), (3 * embed,), (embed, embed), (embed,)])}
    padding = None
    if draw(st.booleans(), label="padded"):
        padding = draw(hnp.arrays(np.bool_, (batch, k_len)), label="key_padding_mask").copy()
        if draw(st.booleans(), label="keep key 0"):
            padding[:, 0] = False  # else a sequence may be all padding: zeros, as torch since 2.5
    dout = draw(gs.float_arrays((batch, q_len, embed)), label="dout")
    return query, key, value, params, heads, padding, is_causal, dout


@given(inputs=multi_head_inputs())
def test_multi_head_attention_matches_torch_in_float64(attention, inputs):
    query, key, value, params, heads, padding, is_causal, dout = inputs
    out, cache = attention.multi_head_attention_forward(query, key, value, params, heads,
                                                        key_padding_mask=padding, is_causal=is_causal)
    grads = attention.multi_head_attention_backward(dout, cache)
    expected_out, expected_grads = torch_multi_head_attention(query, key, value, params, heads, dout,
                                                              key_padding_mask=padding, is_causal=is_causal)
    shown = {"query": query, "key": key, "value": value, "num_heads": heads, "is_causal": is_causal,
             **({"key_padding_mask": padding} if padding is not None else {}), "dout": dout}
    assert_close(out, expected_out, name=f"out of {MHA}_forward", inputs=shown, cause=MHA_CAUSE)
    for name, expected in expected_grads.items():
        assert_close(grads.get(name), expected, name=f"grads[{name!r}] of {MHA}_backward", inputs=shown,
                     cause=f"backpropagate through the output projection, the heads' attention and the "
                           f"input projections; {name} has the shape {expected.shape}")


@pytest.mark.parametrize("is_causal", [False, True])
def test_multi_head_attention_numerical_gradients(attention, rng, is_causal):
    query, key, value = (rng.standard_normal((2, 3, 4)) for _ in range(3))
    params, dout = random_params(rng, 4), rng.standard_normal((2, 3, 4))
    padding = np.array([[False, True, False], [False, False, False]])
    _, cache = attention.multi_head_attention_forward(query, key, value, params, 2, key_padding_mask=padding,
                                                      is_causal=is_causal)
    grads = attention.multi_head_attention_backward(dout, cache)
    arrays = {"query": query, "key": key, "value": value, **params}
    for name, array in arrays.items():
        def forward(changed, name=name):
            given_arrays = {**arrays, name: changed}
            return attention.multi_head_attention_forward(
                given_arrays["query"], given_arrays["key"], given_arrays["value"],
                {p: given_arrays[p] for p in PARAMS}, 2, key_padding_mask=padding, is_causal=is_causal)[0]

        assert_gradient(grads.get(name), forward, array, dout=dout, name=f"grads[{name!r}] of {MHA}_backward",
                        inputs={"query": query, "key": key, "value": value, "key_padding_mask": padding},
                        cause=f"the chain rule through every step; {name} has the shape {array.shape}")


def test_key_padding_mask_true_means_padding(attention, rng):
    query, key, value = rng.standard_normal((2, 3, 6)), rng.standard_normal((2, 4, 6)), rng.standard_normal((2, 4, 6))
    params = random_params(rng, 6)
    padding = np.array([[False, True, False, True], [False, False, False, True]])
    out, cache = attention.multi_head_attention_forward(query, key, value, params, 3, key_padding_mask=padding)
    grads = attention.multi_head_attention_backward(rng.standard_normal((2, 3, 6)), cache)
    cause = ("key_padding_mask True means PADDING, i.e. ignored: allowed = ~key_padding_mask "
             "(the opposite of scaled_dot_product_attention's mask, where True means may attend)")
    changed_key, changed_value = key.copy(), value.copy()
    changed_key[padding], changed_value[padding] = 50.0, -50.0
    again, _ = attention.multi_head_attention_forward(query, changed_key, changed_value, params, 3,
                                                      key_padding_mask=padding)
    assert_close(again, out, name=f"out of {MHA}_forward after changing the padded keys and values",
                 inputs={"query": query, "key": key, "value": value, "key_padding_mask": padding}, cause=cause)
    for name in ("key", "value"):
        assert_close(grads[name][padding], np.zeros((int(padding.sum()), 6)), rtol=0, atol=0,
                     name=f"grads[{name!r}] of {MHA}_backward at padded positions", cause=cause)


def test_heads_split_the_embedding_axis(attention, rng):
    import torch

    batch, length, heads, head_dim = 2, 4, 3, 2
    embed = heads * head_dim
    x = rng.standard_normal((batch, length, embed))
    identity = {"in_proj_weight": np.vstack([np.eye(embed)] * 3), "in_proj_bias": np.zeros(3 * embed),
                "out_proj_weight": np.eye(embed), "out_proj_bias": np.zeros(embed)}
    out, _ = attention.multi_head_attention_forward(x, x, x, identity, heads)
    split = torch.tensor(x).reshape(batch, length, heads, head_dim).transpose(1, 2)  # head h: columns h*Dh...
    expected = torch.nn.functional.scaled_dot_product_attention(split, split, split)
    expected = expected.transpose(1, 2).reshape(batch, length, embed).numpy()
    assert_close(out, expected, name=f"out of {MHA}_forward with identity projections", inputs={"x": x},
                 cause="split heads as x.reshape(N, T, H, Dh).transpose(0, 2, 1, 3) and merge with the inverse; "
                       "x.reshape(N, H, T, Dh) mixes positions into the heads")


@pytest.mark.parametrize("length, dim", [(1, 2), (7, 6), (40, 16)])
def test_positional_encoding_values(attention, length, dim):
    pe = attention.sinusoidal_positional_encoding(length, dim)
    expected = np.zeros((length, dim))
    for pos in range(length):
        for i in range(dim // 2):
            angle = pos / 10000 ** (2 * i / dim)
            expected[pos, 2 * i], expected[pos, 2 * i + 1] = np.sin(angle), np.cos(angle)
    assert_shape(pe, (length, dim), name=f"sinusoidal_positional_encoding({length}, {dim})")
    assert_dtype(pe, np.float64, name=f"sinusoidal_positional_encoding({length}, {dim})")
    assert_close(pe, expected, name=f"sinusoidal_positional_encoding({length}, {dim})",
                 cause="PE[pos, 2i] = sin(pos / 10000**(2i/dim)), PE[pos, 2i+1] = cos(same angle): "
                       "the exponent uses the EVEN column index 2i, and sin/cos alternate column by column")


@pytest.mark.parametrize("length, dim", [(12, 8), (30, 20)])
def test_positional_encoding_pairs_rotate(attention, length, dim):
    pe = attention.sinusoidal_positional_encoding(length, dim)
    sines, cosines = pe[:, 0::2], pe[:, 1::2]
    cause = "columns 2i and 2i+1 are sin and cos of the SAME angle pos / 10000**(2i/dim), interleaved"
    assert_close(sines**2 + cosines**2, np.ones((length, dim // 2)), name="sin^2 + cos^2 of each column pair",
                 cause=cause)
    shift = 5  # sin(a + b) = sin a cos b + cos a sin b: PE[pos + 5] is PE[pos] rotated by the angle of PE[5]
    rotated = sines[:-shift] * cosines[shift] + cosines[:-shift] * sines[shift]
    assert_close(sines[shift:], rotated, name="PE[pos + 5] against PE[pos] rotated by PE[5]", cause=cause)


def test_float32_stays_float32(attention, rng):
    q, k, v = (rng.standard_normal(shape).astype(np.float32) for shape in [(2, 3, 4), (2, 5, 4), (2, 5, 3)])
    for options in ({}, {"mask": rng.random((3, 5)) < 0.7}, {"is_causal": True}):
        out, cache = attention.scaled_dot_product_attention_forward(q, k, v, **options)
        assert_dtype(out, np.float32, name=f"out of {SDPA}_forward", cause="divide by math.sqrt(d) (a Python "
                     "float), not np.sqrt(d): a NumPy float64 scalar promotes float32 arrays to float64")
        grads = attention.scaled_dot_product_attention_backward(np.ones_like(out), cache)
        for label, grad in zip(("dq", "dk", "dv"), grads):
            assert_dtype(grad, np.float32, name=f"{label} of {SDPA}_backward")
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    params = {name: value.astype(np.float32) for name, value in random_params(rng, 4).items()}
    out, cache = attention.multi_head_attention_forward(x, x, x, params, 2, key_padding_mask=np.zeros((2, 3), bool),
                                                        is_causal=True)
    assert_dtype(out, np.float32, name=f"out of {MHA}_forward")
    for name, grad in attention.multi_head_attention_backward(np.ones_like(out), cache).items():
        assert_dtype(grad, np.float32, name=f"grads[{name!r}] of {MHA}_backward")


def test_inputs_are_not_modified(attention, rng):
    arrays = {"q": rng.standard_normal((2, 3, 4)), "k": rng.standard_normal((2, 5, 4)),
              "v": rng.standard_normal((2, 5, 3)), "mask": rng.random((3, 5)) < 0.7,
              "dout": rng.standard_normal((2, 3, 3)),
              "query": rng.standard_normal((2, 3, 4)), "key": rng.standard_normal((2, 5, 4)),
              "value": rng.standard_normal((2, 5, 4)), "key_padding_mask": np.array([[False, True] * 2 + [False]] * 2),
              "mha_dout": rng.standard_normal((2, 3, 4)), **random_params(rng, 4)}
    arrays["mask"][:, 0] = True
    before = {name: value.copy() for name, value in arrays.items()}
    _, cache = attention.scaled_dot_product_attention_forward(arrays["q"], arrays["k"], arrays["v"],
                                                              mask=arrays["mask"])
    attention.scaled_dot_product_attention_backward(arrays["dout"], cache)
    _, cache = attention.multi_head_attention_forward(arrays["query"], arrays["key"], arrays["value"],
                                                      {name: arrays[name] for name in PARAMS}, 2,
                                                      key_padding_mask=arrays["key_padding_mask"])
    attention.multi_head_attention_backward(arrays["mha_dout"], cache)
    for name, value in arrays.items():
        assert_close(value, before[name], name=f"{name} after the attention forward/backward passes", rtol=0, atol=0,
                     cause="an in-place update (q *= scale, scores[...] = ..., x -= ...) changed the caller's array; "
                           "write q * scale instead")


def _mha(attention, embed=4, heads=2, key_shape=(2, 5, 4), padding=None):
    query = np.zeros((2, 3, embed))
    key = np.zeros(key_shape)
    params = {"in_proj_weight": np.zeros((3 * embed, embed)), "in_proj_bias": np.zeros(3 * embed),
              "out_proj_weight": np.zeros((embed, embed)), "out_proj_bias": np.zeros(embed)}
    return lambda: attention.multi_head_attention_forward(query, key, key, params, heads, key_padding_mask=padding)


FUNCTIONS = {"sdpa": f"{SDPA}_forward", "mha": f"{MHA}_forward", "pe": "sinusoidal_positional_encoding"}
INVALID = [
    ("sdpa", "a mask together with is_causal=True (torch refuses both)"),
    ("sdpa-depth", "q of depth 4 with k of depth 3"),
    ("sdpa-values", "k with 5 keys and v with 4"),
    ("mha-heads", "E = 6 with num_heads = 4"),
    ("mha-key", "key of embedding size 3 with query of embedding size 4"),
    ("mha-padding", "key_padding_mask of shape (2, 4) for 5 keys"),
    ("pe", "an odd dim = 5"),
]


@pytest.mark.parametrize("case, why", INVALID, ids=[case for case, _ in INVALID])
def test_rejects_invalid_inputs(attention, case, why):
    q, k, v = np.zeros((3, 4)), np.zeros((5, 4)), np.zeros((5, 2))
    calls = {
        "sdpa": lambda: attention.scaled_dot_product_attention_forward(q, k, v, mask=np.ones((3, 5), bool),
                                                                       is_causal=True),
        "sdpa-depth": lambda: attention.scaled_dot_product_attention_forward(q, np.zeros((5, 3)), v),
        "sdpa-values": lambda: attention.scaled_dot_product_attention_forward(q, k, np.zeros((4, 2))),
        "mha-heads": _mha(attention, embed=6, heads=4, key_shape=(2, 5, 6)),
        "mha-key": _mha(attention, key_shape=(2, 5, 3)),
        "mha-padding": _mha(attention, padding=np.zeros((2, 4), bool)),
        "pe": lambda: attention.sinusoidal_positional_encoding(4, 5),
    }
    assert_raises(ValueError, calls[case], name=FUNCTIONS[case.split("-")[0]], why=why,
                  cause="check the shapes and options first and raise ValueError with what was expected")
