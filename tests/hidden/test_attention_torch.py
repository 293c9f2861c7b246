"""Hidden checks for attention_torch: parity with F.scaled_dot_product_attention and nn.MultiheadAttention."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch.nn.attention import SDPBackend, sdpa_kernel

from grader import strategies as gs
from grader.checks import assert_close, assert_raises
from grader.devices import assert_tensor_close, dtype_id

DTYPES = [torch.float32, torch.float64]
SDPA = ("scores = q @ k.transpose(-2, -1) * scale with scale = 1 / sqrt(E) unless given; a bool mask keeps the "
        "scores where it is True (True = may attend) and puts -inf elsewhere, a float mask is added; is_causal "
        "keeps key j <= query i (tril of ones(L, S)); softmax over the LAST axis (the keys); out = weights @ v")
MHA = ("Q, K, V = x @ W.T + b with W_q, W_k, W_v the three row blocks of in_proj_weight; split heads as "
       "(N, T, heads, E/heads) then transpose(1, 2), never reshape(N, heads, T, E/heads) directly; in "
       "nn.MultiheadAttention a bool True in key_padding_mask or attn_mask means 'masked out'; weights "
       "averaged over heads with mean(dim=1); out = merge(heads) @ out_proj_weight.T + out_proj_bias")
FULLY_MASKED = ("a row whose keys are all masked has max -inf and exp(-inf - -inf) = nan: use 0 for a non-finite "
                "max and divide by 1 where the row sum is 0, so the row's weights and output are 0 (as torch's "
                "F.scaled_dot_product_attention returns)")


def leaf(array_or_tensor, dtype, device):
    return torch.as_tensor(array_or_tensor).to(device=device, dtype=dtype).requires_grad_()


def copies(tensors):
    return [t.detach().clone().requires_grad_() for t in tensors]


def torch_attention(q, k, v, **options):
    """F.scaled_dot_product_attention on its math backend (the same on every device), and its weights.

    The weights are the attention of the same queries and keys over identity values.
    """
    with sdpa_kernel(SDPBackend.MATH):
        out = F.scaled_dot_product_attention(q, k, v, **options)
        source = k.shape[-2]
        identity = torch.eye(source, dtype=q.dtype, device=q.device).expand(*k.shape[:-2], source, source)
        weights = F.scaled_dot_product_attention(q, k, identity, **options)
    return out, weights


def projection(out):
    return (out * torch.linspace(-1, 1, out.numel(), dtype=out.dtype, device=out.device).reshape(out.shape)).sum()


def gradient_parity(got, expected, mine, theirs, names, inputs, what, cause):
    got_grads = torch.autograd.grad(projection(got), mine)
    expected_grads = torch.autograd.grad(projection(expected), theirs)
    for name, g, e in zip(names, got_grads, expected_grads):
        assert_tensor_close(g, e, name=f"d loss / d {name} of {what} (autograd)", inputs=inputs, cause=cause)


@st.composite
def attention_problems(draw):
    """Shapes (batch axes, L, S, E, Ev) and a mask kind."""
    batch = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    length, source = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    embed, value_dim = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    mask = draw(st.sampled_from(["none", "bool", "float", "causal", "bool broadcast"]))
    scale = draw(st.one_of(st.none(), st.floats(0.05, 2.0)))
    return batch, length, source, embed, value_dim, mask, scale


@given(problem=attention_problems(), data=st.data(), dtype=st.sampled_from(DTYPES))
def test_scaled_dot_product_attention_matches_torch(attention_torch, device, problem, data, dtype):
    batch, length, source, embed, value_dim, mask_kind, scale = problem
    q = leaf(data.draw(gs.float_arrays((*batch, length, embed), bound=3.0)), dtype, device)
    k = leaf(data.draw(gs.float_arrays((*batch, source, embed), bound=3.0)), dtype, device)
    v = leaf(data.draw(gs.float_arrays((*batch, source, value_dim), bound=3.0)), dtype, device)
    options = {"scale": scale}
    if mask_kind == "causal":
        options["is_causal"] = True
    elif mask_kind in ("bool", "bool broadcast"):
        shape = (length, source) if mask_kind == "bool broadcast" else (*batch, length, source)
        options["attn_mask"] = torch.as_tensor(data.draw(gs.labels(length * source, 2))).bool() \
            .reshape(length, source).expand(shape).to(device)
    elif mask_kind == "float":
        options["attn_mask"] = torch.as_tensor(data.draw(gs.float_arrays((*batch, length, source), bound=5.0))) \
            .to(device=device, dtype=dtype)
    inputs = {"q": q, "k": k, "v": v, "mask": mask_kind, "scale": scale}
    q2, k2, v2 = copies([q, k, v])
    out, weights = attention_torch.scaled_dot_product_attention(q, k, v, **options)
    expected, expected_weights = torch_attention(q2, k2, v2, **options)
    assert_tensor_close(out, expected, name="out of scaled_dot_product_attention", inputs=inputs, cause=SDPA)
    assert_tensor_close(weights, expected_weights.detach(), name="weights of scaled_dot_product_attention",
                        inputs=inputs, cause=SDPA)
    gradient_parity(out, expected, [q, k, v], [q2, k2, v2], ["q", "k", "v"], inputs,
                    "scaled_dot_product_attention", f"{SDPA}; {FULLY_MASKED}")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("mask_kind", ["bool", "float"])
def test_fully_masked_rows_give_zeros_like_torch(attention_torch, device, dtype, mask_kind, seed):
    generator = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(shape, generator=generator, dtype=dtype) for shape in [(2, 3, 4), (2, 5, 4), (2, 5, 3)])
    allowed = torch.ones(3, 5, dtype=torch.bool)
    allowed[1] = False  # query 1 may attend to nothing
    allowed[:, 4] = False  # key 4 is seen by no query
    mask = allowed if mask_kind == "bool" else torch.zeros(3, 5, dtype=dtype).masked_fill(~allowed, float("-inf"))
    # The oracle runs on the CPU, where torch documents the zero rows of its safe softmax.
    expected, expected_weights = torch_attention(*copies([q, k, v]), attn_mask=mask)
    mine = [leaf(t, dtype, device) for t in (q, k, v)]
    out, weights = attention_torch.scaled_dot_product_attention(*mine, attn_mask=mask.to(device))
    inputs = {"q": mine[0], "mask": mask_kind}
    assert_tensor_close(out, expected.detach().to(device), name="out with a fully masked query row",
                        inputs=inputs, cause=FULLY_MASKED)
    assert_tensor_close(weights, expected_weights.detach().to(device), name="weights with a fully masked query row",
                        inputs=inputs, cause=FULLY_MASKED)
    grads = torch.autograd.grad(projection(out), mine)
    for name, grad, index in zip("qkv", grads, [(slice(None), 1), (slice(None), 4), (slice(None), 4)]):
        assert_tensor_close(grad[index], torch.zeros_like(grad[index]), name=f"d loss / d {name} at a masked row",
                            inputs=inputs, cause=f"masked positions get no gradient; {FULLY_MASKED}")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_causal_attention_on_rectangular_scores(attention_torch, device, dtype, seed):
    generator = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(shape, generator=generator, dtype=dtype).to(device) for shape in [(4, 2), (6, 2), (6, 3)])
    out, weights = attention_torch.scaled_dot_product_attention(q, k, v, is_causal=True)
    expected, expected_weights = torch_attention(q, k, v, is_causal=True)
    inputs = {"q": q, "k": k, "is_causal": True}
    cause = ("query i sees keys 0..i, the diagonal included: tril(ones(L, S)) with diagonal=0, aligned top-left "
             "even when L != S")
    assert_tensor_close(weights, expected_weights, name="weights with is_causal=True", inputs=inputs, cause=cause)
    assert_tensor_close(out, expected, name="out with is_causal=True", inputs=inputs, cause=cause)


@st.composite
def multi_head_problems(draw):
    batch, length, source = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 5))
    heads, head_dim = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["none", "bool", "float"]))
    attn = draw(st.sampled_from(["none", "bool", "float per head", "causal"]))
    bias = draw(st.booleans())
    average = draw(st.booleans())
    return batch, length, source, heads, head_dim, padding, attn, bias, average


def module_and_weights(embed, heads, bias, dtype, device, generator):
    """An nn.MultiheadAttention with random weights, and leaf copies of its four parameters."""
    module = torch.nn.MultiheadAttention(embed, heads, bias=bias, batch_first=True).to(device=device, dtype=dtype)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator, dtype=dtype).to(device) * 0.5)
    params = [module.in_proj_weight, module.in_proj_bias, module.out_proj.weight, module.out_proj.bias]
    return module, [None if p is None else p.detach().clone().requires_grad_() for p in params], params


# torch's module warns when the two masks have different types (bool and float); it still adds them.
@pytest.mark.filterwarnings("ignore:Support for mismatched key_padding_mask and attn_mask")
@given(problem=multi_head_problems(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**31))
def test_multi_head_attention_matches_torch(attention_torch, device, problem, dtype, seed):
    batch, length, source, heads, head_dim, padding, attn, bias, average = problem
    embed = heads * head_dim
    generator = torch.Generator().manual_seed(seed)
    module, mine, theirs = module_and_weights(embed, heads, bias, dtype, device, generator)
    query, key, value = (leaf(torch.randn(shape, generator=generator, dtype=dtype), dtype, device)
                         for shape in [(batch, length, embed), (batch, source, embed), (batch, source, embed)])
    options = {"average_attn_weights": average}
    if padding != "none":
        padded = torch.rand(batch, source, generator=generator) < 0.4
        padded[:, 0] = False  # key 0 stays visible, so no row is fully masked (torch gives nan there)
        options["key_padding_mask"] = (padded if padding == "bool" else
                                       torch.zeros(batch, source, dtype=dtype).masked_fill(padded, -1e9)).to(device)
    if attn == "bool":
        blocked = torch.rand(length, source, generator=generator) < 0.4
        blocked[:, 0] = False
        options["attn_mask"] = blocked.to(device)
    elif attn == "float per head":
        options["attn_mask"] = torch.randn(batch * heads, length, source, generator=generator, dtype=dtype).to(device)
    elif attn == "causal":
        options["attn_mask"] = torch.ones(length, source, dtype=torch.bool).triu(1).to(device)
    q2, k2, v2 = copies([query, key, value])
    out, weights = attention_torch.multi_head_attention(query, key, value, heads, *mine, **options)
    expected, expected_weights = module(q2, k2, v2, need_weights=True, **options)
    inputs = {"query": query, "key": key, "num_heads": heads, "key_padding_mask": padding, "attn_mask": attn,
              "bias": bias, "average_attn_weights": average}
    assert_tensor_close(out, expected, name="out of multi_head_attention", inputs=inputs, cause=MHA)
    assert_tensor_close(weights, expected_weights, name="weights of multi_head_attention", inputs=inputs, cause=MHA)
    names = ["query", "key", "value", "in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias"]
    pairs = [(n, m, t) for n, m, t in zip(names, [query, key, value, *mine], [q2, k2, v2, *theirs]) if m is not None]
    gradient_parity(out, expected, [m for _, m, _ in pairs], [t for _, _, t in pairs], [n for n, _, _ in pairs],
                    inputs, "multi_head_attention", MHA)


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_multi_head_attention_without_weights_and_with_a_fully_padded_sequence(attention_torch, device, dtype,
                                                                               seed):
    generator = torch.Generator().manual_seed(seed)
    module, mine, _ = module_and_weights(8, 2, True, dtype, device, generator)
    query, key = (torch.randn(shape, generator=generator, dtype=dtype).to(device) for shape in [(2, 3, 8), (2, 4, 8)])
    padded = torch.tensor([[True] * 4, [False, True, False, False]], device=device)
    out, weights = attention_torch.multi_head_attention(query, key, key, 2, *mine, key_padding_mask=padded,
                                                        need_weights=False)
    with torch.no_grad():
        expected, _ = module(query, key, key, key_padding_mask=padded, need_weights=False)
    inputs = {"query": query, "key_padding_mask": "sequence 0 all padding", "need_weights": False}
    assert weights is None, "multi_head_attention(need_weights=False) must return (out, None), as torch does"
    assert_tensor_close(out, expected, name="out of multi_head_attention with every key of sequence 0 padded",
                        inputs=inputs, cause=f"{FULLY_MASKED}; sequence 0's output is then out_proj_bias")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_keeps_dtype_and_device(attention_torch, device, dtype, seed):
    generator = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(shape, generator=generator, dtype=dtype).to(device) for shape in [(2, 3, 4)] * 3)
    out, weights = attention_torch.scaled_dot_product_attention(q, k, v, is_causal=True)
    expected, expected_weights = torch_attention(q, k, v, is_causal=True)
    assert_tensor_close(out, expected, name=f"out in {dtype_id(dtype)}", inputs={"q": q},
                        cause="build the causal mask with device=q.device; scale with a Python float "
                              "(math.sqrt), not a float64 tensor")
    assert_tensor_close(weights, expected_weights, name=f"weights in {dtype_id(dtype)}", inputs={"q": q}, cause=SDPA)


def test_runs_on_tensors_that_live_elsewhere(attention_torch):
    q = torch.empty(2, 3, 8, device="meta")
    out, weights = attention_torch.scaled_dot_product_attention(q, q, q, is_causal=True)
    params = [torch.empty(shape, device="meta") for shape in [(24, 8), (24,), (8, 8), (8,)]]
    mha_out, mha_weights = attention_torch.multi_head_attention(
        q, q, q, 2, *params, key_padding_mask=torch.zeros(2, 3, dtype=torch.bool, device="meta"),
        attn_mask=torch.zeros(3, 3, dtype=torch.bool, device="meta"))
    for name, tensor, shape in [("out", out, (2, 3, 8)), ("weights", weights, (2, 3, 3)),
                                ("multi-head out", mha_out, (2, 3, 8)), ("multi-head weights", mha_weights, (2, 3, 3))]:
        assert tensor.device.type == "meta" and tensor.shape == shape, (
            f"{name} on meta tensors is {tuple(tensor.shape)} on {tensor.device}, expected {shape} on meta: a "
            "tensor created without device= (a causal or padding mask, a zero) lands on the CPU")


@pytest.mark.parametrize("case, shapes, options", [
    ("q and k with different E", [(3, 4), (5, 3), (5, 2)], {}),
    ("k and v with different S", [(3, 4), (5, 4), (6, 2)], {}),
    ("a mask that does not broadcast", [(3, 4), (5, 4), (5, 2)], {"attn_mask": (4, 5)}),
    ("a mask together with is_causal", [(3, 4), (5, 4), (5, 2)], {"attn_mask": (3, 5), "is_causal": True}),
    ("q of one dimension", [(4,), (5, 4), (5, 2)], {}),
])
def test_attention_rejects_bad_inputs(attention_torch, device, case, shapes, options):
    q, k, v = (torch.zeros(shape, device=device) for shape in shapes)
    if "attn_mask" in options:
        options = {**options, "attn_mask": torch.ones(options["attn_mask"], dtype=torch.bool, device=device)}
    assert_raises(ValueError, lambda: attention_torch.scaled_dot_product_attention(q, k, v, **options),
                  name="scaled_dot_product_attention", why=case,
                  cause="check q (..., L, E), k (..., S, E), v (..., S, Ev), the mask's shape and "
                        "that attn_mask and is_causal are not both given, before computing")


@pytest.mark.parametrize("case, change", [
    ("E = 6 with 4 heads", {"num_heads": 4}),
    ("in_proj_weight of shape (6, 6)", {"in_proj_weight": (6, 6)}),
    ("out_proj_weight of shape (6, 3)", {"out_proj_weight": (6, 3)}),
    ("key_padding_mask with the wrong length", {"key_padding_mask": (2, 3)}),
    ("attn_mask with the wrong shape", {"attn_mask": (5, 4)}),
    ("key with a different E", {"key": (2, 4, 3)}),
])
def test_multi_head_attention_rejects_bad_inputs(attention_torch, device, case, change):
    shapes = {"query": (2, 3, 6), "key": (2, 4, 6), "value": (2, 4, 6), "in_proj_weight": (18, 6),
              "in_proj_bias": (18,), "out_proj_weight": (6, 6), "out_proj_bias": (6,)}
    shapes.update({name: shape for name, shape in change.items() if name in shapes})
    made = {name: torch.zeros(shape, device=device) for name, shape in shapes.items()}
    for mask in ("key_padding_mask", "attn_mask"):
        if mask in change:
            made[mask] = torch.zeros(change[mask], dtype=torch.bool, device=device)
    heads = change.get("num_heads", 2)
    assert_raises(ValueError, lambda: attention_torch.multi_head_attention(num_heads=heads, **made),
                  name="multi_head_attention", why=case,
                  cause="check E % num_heads == 0 and the shapes of the inputs, parameters and masks first")


def test_weights_rows_sum_to_one(attention_torch, device, seed):
    generator = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(shape, generator=generator, dtype=torch.float64).to(device) * 4
               for shape in [(2, 5, 3), (2, 7, 3), (2, 7, 2)])
    _, weights = attention_torch.scaled_dot_product_attention(q, k, v)
    assert_close(weights.sum(dim=-1), torch.ones(2, 5, dtype=torch.float64), name="weights.sum(dim=-1)",
                 inputs={"q": q, "k": k}, rtol=1e-12,
                 cause="the softmax normalises over the keys (dim=-1), not over the queries (dim=-2)")
