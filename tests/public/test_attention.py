"""Public checks for attention: fixed values, shapes, both mask conventions, torch parity, positions."""

import numpy as np
import pytest

from grader.checks import assert_close, assert_shape
from grader.oracles import torch_multi_head_attention
from grader.parity import assert_matches_torch

SDPA = "scaled_dot_product_attention"
MHA = "multi_head_attention"


def test_attention_fixed_values(attention):
    q = np.array([[2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])  # Tq=2, d=4: the scale is 1/sqrt(4) = 1/2
    k = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])  # Tk=2
    v = np.array([[1.0, 2.0], [3.0, 4.0]])  # dv=2
    out, _ = attention.scaled_dot_product_attention_forward(q, k, v)
    # Row 0: scores [2*1/2, 0] = [1, 0], weights [e, 1] / (e + 1). Row 1: scores [0, 0], weights [1/2, 1/2].
    e = np.e
    expected = [[(e * 1 + 3) / (e + 1), (e * 2 + 4) / (e + 1)], [2.0, 3.0]]
    assert_close(out, expected, name=f"out of {SDPA}_forward", inputs={"q": q, "k": k, "v": v},
                 cause="out = softmax(q @ k.T / sqrt(d), axis=-1) @ v, with d = q.shape[-1]")


def test_attention_shapes_with_leading_axes(attention, rng):
    q, k, v = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((2, 3, 6, 7))
    out, cache = attention.scaled_dot_product_attention_forward(q, k, v)
    assert_shape(out, (2, 3, 4, 7), name=f"out of {SDPA}_forward",
                 cause="out is (..., Tq, dv): use q @ np.swapaxes(k, -1, -2), not k.T, with leading axes")
    dq, dk, dv = attention.scaled_dot_product_attention_backward(rng.standard_normal((2, 3, 4, 7)), cache)
    assert_shape(dq, q.shape, name=f"dq of {SDPA}_backward")
    assert_shape(dk, k.shape, name=f"dk of {SDPA}_backward")
    assert_shape(dv, v.shape, name=f"dv of {SDPA}_backward")


def test_mask_true_means_may_attend(attention, rng):
    q, k, v = rng.standard_normal((2, 3)), rng.standard_normal((3, 3)), rng.standard_normal((3, 4))
    mask = np.array([[False, True, False], [True, False, True]])
    out, _ = attention.scaled_dot_product_attention_forward(q, k, v, mask=mask)
    assert_close(out[0], v[1], name=f"out[0] of {SDPA}_forward", inputs={"q": q, "k": k, "v": v, "mask": mask},
                 cause="mask True means 'may attend': a row that allows one key returns exactly that key's value")


@pytest.mark.parametrize("case", ["no mask", "boolean mask", "is_causal"])
def test_attention_matches_torch(attention, rng, case):
    import torch

    q, k, v = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 5, 2))
    dout = rng.standard_normal((2, 4, 2))
    options = {}
    if case == "boolean mask":
        options["mask"] = np.array([[True, False, True, True, False]] * 4)
    if case == "is_causal":
        options["is_causal"] = True
    out, cache = attention.scaled_dot_product_attention_forward(q, k, v, **options)
    dq, dk, dv = attention.scaled_dot_product_attention_backward(dout, cache)
    torch_options = {"attn_mask": torch.tensor(options["mask"])} if "mask" in options else options

    def reference(q, k, v):
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, **torch_options)

    assert_matches_torch(reference, {"q": q, "k": k, "v": v}, out=out, grads={"q": dq, "k": dk, "v": dv},
                         dout=dout, forward=f"{SDPA}_forward", backward=f"{SDPA}_backward",
                         causes={"out": "softmax over the keys (last axis) of q @ k^T / sqrt(d); "
                                        "is_causal allows keys j <= i"})


def random_params(rng, embed):
    return {"in_proj_weight": rng.standard_normal((3 * embed, embed)) / np.sqrt(embed),
            "in_proj_bias": rng.standard_normal(3 * embed),
            "out_proj_weight": rng.standard_normal((embed, embed)) / np.sqrt(embed),
            "out_proj_bias": rng.standard_normal(embed)}


def test_multi_head_attention_matches_torch(attention, rng):
    query, key, value = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 5, 4))
    params, dout = random_params(rng, 4), rng.standard_normal((2, 3, 4))
    padding = np.array([[False, False, True, False, True], [False, False, False, False, False]])
    out, cache = attention.multi_head_attention_forward(query, key, value, params, 2, key_padding_mask=padding)
    grads = attention.multi_head_attention_backward(dout, cache)
    expected_out, expected_grads = torch_multi_head_attention(query, key, value, params, 2, dout,
                                                              key_padding_mask=padding)
    shown = {"query": query, "key": key, "value": value, "key_padding_mask": padding}
    assert_close(out, expected_out, name=f"out of {MHA}_forward", inputs=shown,
                 cause="project with x @ W.T + b, split E into heads, attend per head, merge, project out; "
                       "key_padding_mask True means the key is IGNORED")
    for name, expected in expected_grads.items():
        assert_close(grads.get(name), expected, name=f"grads[{name!r}] of {MHA}_backward", inputs=shown)


def test_key_padding_mask_true_means_ignored(attention, rng):
    query, key, value = rng.standard_normal((1, 2, 4)), rng.standard_normal((1, 3, 4)), rng.standard_normal((1, 3, 4))
    params = random_params(rng, 4)
    padding = np.array([[False, False, True]])  # the last key is padding
    out, _ = attention.multi_head_attention_forward(query, key, value, params, 2, key_padding_mask=padding)
    changed = value.copy()
    changed[0, 2] += 100.0
    again, _ = attention.multi_head_attention_forward(query, key, changed, params, 2, key_padding_mask=padding)
    assert_close(again, out, name=f"out of {MHA}_forward after changing a padded value",
                 inputs={"value": value, "key_padding_mask": padding},
                 cause="key_padding_mask True means PADDING (ignored), the opposite of the attention mask: "
                       "allowed = ~key_padding_mask")


def test_positional_encoding_values(attention):
    pe = attention.sinusoidal_positional_encoding(3, 4)
    # dim=4: the two frequencies are 1/10000**(0/4) = 1 and 1/10000**(2/4) = 1/100.
    expected = [[0.0, 1.0, 0.0, 1.0],
                [np.sin(1.0), np.cos(1.0), np.sin(0.01), np.cos(0.01)],
                [np.sin(2.0), np.cos(2.0), np.sin(0.02), np.cos(0.02)]]
    assert_close(pe, expected, name="sinusoidal_positional_encoding(3, 4)",
                 cause="PE[pos, 2i] = sin(pos / 10000**(2i/dim)), PE[pos, 2i+1] = cos(the same angle), interleaved")
