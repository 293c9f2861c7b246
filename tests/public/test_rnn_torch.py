"""Public checks for rnn_torch: cells and sequences against torch's modules, values and gradients."""

import pytest
import torch

from grader.checks import assert_raises
from grader.devices import assert_tensor_close, dtype_id

LAYOUT = "weights are (out, in): x @ w_ih.T + h @ w_hh.T + b_ih + b_hh; LSTM gates stacked i, f, g, o"
BPTT = "carry the state from step to step, record h after each step, and never .detach() it"


def leaves(generator, shapes, dtype, device):
    return [torch.randn(shape, generator=generator, dtype=dtype).to(device).requires_grad_() for shape in shapes]


def loaded(module_class, params, dtype, device, *args):
    """A torch module holding copies of params, in their order."""
    module = module_class(*args).to(device=device, dtype=dtype)
    with torch.no_grad():
        for mine, theirs in zip(params, module.parameters()):
            theirs.copy_(mine)
    return module


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=dtype_id)
def test_rnn_cell_matches_torch(rnn_torch, device, dtype, seed):
    generator = torch.Generator().manual_seed(seed)
    x, h, *params = leaves(generator, [(3, 4), (3, 5), (5, 4), (5, 5), (5,), (5,)], dtype, device)
    module = loaded(torch.nn.RNNCell, params, dtype, device, 4, 5)
    assert_tensor_close(rnn_torch.rnn_cell(x, h, *params), module(x, h), name="rnn_cell(x, h, ...)",
                        inputs={"x": x, "h": h}, cause=f"h' = tanh(...); {LAYOUT}")


def test_lstm_cell_matches_torch(rnn_torch, device, seed):
    generator = torch.Generator().manual_seed(seed)
    x, h, c, *params = leaves(generator, [(2, 3), (2, 4), (2, 4), (16, 3), (16, 4), (16,), (16,)],
                              torch.float64, device)
    module = loaded(torch.nn.LSTMCell, params, torch.float64, device, 3, 4)
    got_h, got_c = rnn_torch.lstm_cell(x, (h, c), *params)
    expected_h, expected_c = module(x, (h, c))
    inputs = {"x": x, "h": h, "c": c}
    assert_tensor_close(got_c, expected_c, name="c' of lstm_cell", inputs=inputs, cause=f"c' = f * c + i * g; {LAYOUT}")
    assert_tensor_close(got_h, expected_h, name="h' of lstm_cell", inputs=inputs, cause="h' = o * tanh(c')")


def test_rnn_matches_torch(rnn_torch, device, seed):
    generator = torch.Generator().manual_seed(seed)
    xs, h0, *params = leaves(generator, [(5, 2, 3), (2, 4), (4, 3), (4, 4), (4,), (4,)], torch.float64, device)
    module = loaded(torch.nn.RNN, params, torch.float64, device, 3, 4)
    outputs, h_last = rnn_torch.rnn(xs, h0, *params)
    expected, expected_h = module(xs, h0.unsqueeze(0))
    assert_tensor_close(outputs, expected, name="outputs of rnn", inputs={"xs": xs, "h0": h0}, cause=BPTT)
    assert_tensor_close(h_last, expected_h.squeeze(0), name="h_last of rnn", inputs={"xs": xs}, cause=BPTT)


def test_lstm_gradients_match_torch(rnn_torch, device, seed):
    generator = torch.Generator().manual_seed(seed)
    xs, *params = leaves(generator, [(6, 2, 3), (16, 3), (16, 4), (16,), (16,)], torch.float64, device)
    module = loaded(torch.nn.LSTM, params, torch.float64, device, 3, 4)
    outputs, _ = rnn_torch.lstm(xs, None, *params)
    expected, _ = module(xs)
    assert_tensor_close(outputs, expected, name="outputs of lstm(xs, None, ...)", inputs={"xs": xs},
                        cause=f"a missing state is zeros: xs.new_zeros(N, H); {BPTT}")
    got_grads = torch.autograd.grad(outputs[-1].sum(), [xs, *params])
    expected_grads = torch.autograd.grad(expected[-1].sum(), [xs, *module.parameters()])
    for name, got, want in zip(["xs", "w_ih", "w_hh", "b_ih", "b_hh"], got_grads, expected_grads):
        assert_tensor_close(got, want, name=f"d outputs[-1].sum() / d {name} (autograd)", inputs={"xs": xs},
                            cause=f"autograd backpropagates through time when every step stays in the graph; {BPTT}")


def test_lstm_cell_rejects_a_wrong_state_shape(rnn_torch, device):
    x, h = torch.zeros(2, 3, device=device), torch.zeros(3, 4, device=device)
    w_ih, w_hh = torch.zeros(16, 3, device=device), torch.zeros(16, 4, device=device)
    assert_raises(ValueError, lambda: rnn_torch.lstm_cell(x, (h, h), w_ih, w_hh), name="lstm_cell",
                  why="a state with 3 rows for a batch of 2", cause="check that h and c are (N, H) before using them")
