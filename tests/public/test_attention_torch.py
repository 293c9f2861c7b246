"""Public checks for attention_torch: against F.scaled_dot_product_attention and nn.MultiheadAttention."""

import pytest
import torch
import torch.nn.functional as F

from grader.checks import assert_raises
from grader.devices import assert_tensor_close, dtype_id

SDPA = "softmax(q @ k.transpose(-2, -1) / sqrt(E)) over the keys (dim=-1), then @ v"


def randn(generator, shape, dtype, device):
    return torch.randn(shape, generator=generator, dtype=dtype).to(device).requires_grad_()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=dtype_id)
def test_attention_matches_torch(attention_torch, device, dtype, seed):
    generator = torch.Generator().manual_seed(seed)
    q, k, v = (randn(generator, shape, dtype, device) for shape in [(2, 3, 4), (2, 5, 4), (2, 5, 6)])
    out, weights = attention_torch.scaled_dot_product_attention(q, k, v)
    assert_tensor_close(out, F.scaled_dot_product_attention(q, k, v), name="out of scaled_dot_product_attention",
                        inputs={"q": q, "k": k, "v": v}, cause=SDPA)
    assert_tensor_close(weights.sum(dim=-1), torch.ones(2, 3, dtype=dtype, device=device),
                        name="weights.sum(dim=-1)", inputs={"q": q, "k": k}, cause="normalise over the keys")


def test_boolean_mask_and_gradients(attention_torch, device, seed):
    generator = torch.Generator().manual_seed(seed)
    q, k, v = (randn(generator, shape, torch.float64, device) for shape in [(3, 4), (5, 4), (5, 2)])
    mask = torch.tensor([[True, True, False, True, False]] * 3, device=device)
    out, _ = attention_torch.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    inputs = {"q": q, "k": k, "v": v, "attn_mask": mask}
    cause = "a bool attn_mask is True where a query MAY attend: put -inf in the scores where it is False"
    assert_tensor_close(out, expected, name="out with a bool attn_mask", inputs=inputs, cause=cause)
    got_grads = torch.autograd.grad(out.sum(), [q, k, v])
    expected_grads = torch.autograd.grad(expected.sum(), [q, k, v])
    for name, got, want in zip("qkv", got_grads, expected_grads):
        assert_tensor_close(got, want, name=f"d out.sum() / d {name} (autograd)", inputs=inputs, cause=cause)


def test_causal_attention(attention_torch, device, seed):
    generator = torch.Generator().manual_seed(seed)
    q, k, v = (randn(generator, (2, 4, 3), torch.float64, device) for _ in range(3))
    out, weights = attention_torch.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert_tensor_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True), name="out with is_causal=True",
                        inputs={"q": q}, cause="query i sees keys 0..i, its own position included: tril(ones(L, S))")
    assert_tensor_close(weights[:, 0, 0], torch.ones(2, dtype=torch.float64, device=device),
                        name="weight of query 0 on key 0 with is_causal=True", inputs={"q": q},
                        cause="the first query sees only the first key, so its weight there is 1")


def test_multi_head_attention_matches_torch(attention_torch, device, seed):
    generator = torch.Generator().manual_seed(seed)
    module = torch.nn.MultiheadAttention(8, 2, batch_first=True).to(device=device, dtype=torch.float64)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator, dtype=torch.float64).to(device) * 0.5)
    query, key = randn(generator, (2, 3, 8), torch.float64, device), randn(generator, (2, 4, 8), torch.float64, device)
    padded = torch.tensor([[False, False, True, True], [False, False, False, False]], device=device)
    out, weights = attention_torch.multi_head_attention(
        query, key, key, 2, module.in_proj_weight, module.in_proj_bias, module.out_proj.weight, module.out_proj.bias,
        key_padding_mask=padded)
    expected, expected_weights = module(query, key, key, key_padding_mask=padded)
    inputs = {"query": query, "key": key, "num_heads": 2, "key_padding_mask": padded}
    cause = ("project with x @ W.T + b, split E into (heads, E/heads) then move heads before time, "
             "key_padding_mask True = padding (ignored), average the weights over heads")
    assert_tensor_close(out, expected, name="out of multi_head_attention", inputs=inputs, cause=cause)
    assert_tensor_close(weights, expected_weights, name="weights of multi_head_attention", inputs=inputs, cause=cause)


def test_multi_head_attention_rejects_heads_that_do_not_divide_e(attention_torch, device):
    x = torch.zeros(1, 2, 6, device=device)
    params = [torch.zeros(shape, device=device) for shape in [(18, 6), (18,), (6, 6), (6,)]]
    assert_raises(ValueError, lambda: attention_torch.multi_head_attention(x, x, x, 4, *params),
                  name="multi_head_attention", why="E = 6 with 4 heads", cause="check E % num_heads == 0 first")
