"""Hidden checks for rnn_torch: parity with nn.RNNCell/LSTMCell/RNN/LSTM in values and every gradient."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_close, assert_raises
from grader.devices import assert_tensor_close, dtype_id

DTYPES = [torch.float32, torch.float64]
LAYOUT = ("weights are (out, in): x @ w_ih.T + b_ih + h @ w_hh.T + b_hh; the LSTM's four gate blocks are "
          "stacked i, f, g, o, with c' = f * c + i * g and h' = o * tanh(c')")
BPTT = ("carry the state from each step into the next, record h after the step, and keep every step in the "
        "graph (no .detach() or .item(); collect the steps in a list and torch.stack them): autograd then "
        "backpropagates through time by itself")
MODULES = {"rnn_cell": torch.nn.RNNCell, "lstm_cell": torch.nn.LSTMCell, "rnn": torch.nn.RNN, "lstm": torch.nn.LSTM}


def draw_tensor(data, shape, dtype, device, bound=3.0):
    array = data.draw(gs.float_arrays(shape, bound=bound))
    return torch.as_tensor(array).to(device=device, dtype=dtype).requires_grad_()


def random_tensor(generator, shape, dtype, device, scale=1.0):
    return (torch.randn(shape, generator=generator, dtype=dtype) * scale).to(device).requires_grad_()


def weights(generator, gates, inputs, hidden, dtype, device, scale=0.5, bias=True):
    """Leaf tensors (w_ih, w_hh, b_ih, b_hh) in torch's layout; the biases None when bias=False."""
    shapes = [(gates * hidden, inputs), (gates * hidden, hidden), (gates * hidden,), (gates * hidden,)]
    made = [random_tensor(generator, shape, dtype, device, scale) for shape in shapes]
    return made if bias else [*made[:2], None, None]


def torch_module(kind, inputs, hidden, params, dtype, device, **options):
    """The torch module of ``kind`` holding copies of ``params`` (its own leaves, so its .grad is its own)."""
    module = MODULES[kind](inputs, hidden, bias=params[2] is not None, **options).to(device=device, dtype=dtype)
    with torch.no_grad():
        for mine, theirs in zip(params, module.parameters()):
            theirs.copy_(mine)
    return module


def copies(tensors):
    return [t.detach().clone().requires_grad_() for t in tensors]


def projection(outputs):
    """A fixed random-looking scalar from every output, so each output's gradient is checked."""
    total = 0
    for out in outputs:
        total = total + (out * torch.linspace(-1, 1, out.numel(), dtype=out.dtype, device=out.device)
                         .reshape(out.shape)).sum()
    return total


def parity(got, expected, mine, theirs, names, inputs, what, cause):
    """Outputs equal, then the gradient of one projection of them with respect to each named tensor."""
    for index, (g, e) in enumerate(zip(got, expected)):
        assert_tensor_close(g, e, name=f"{what} output {index}", inputs=inputs, cause=cause)
    got_grads = torch.autograd.grad(projection(got), mine, allow_unused=True)
    expected_grads = torch.autograd.grad(projection(expected), theirs, allow_unused=True)
    for name, g, e in zip(names, got_grads, expected_grads):
        if g is None:
            raise AssertionError(f"d loss / d {name} of {what}: no gradient reached {name}: {BPTT}")
        assert_tensor_close(g, e, name=f"d loss / d {name} of {what} (autograd)", inputs=inputs, cause=cause)


WEIGHT_NAMES = ["w_ih", "w_hh", "b_ih", "b_hh"]


@given(data=st.data(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**31),
       nonlinearity=st.sampled_from(["tanh", "relu"]))
def test_rnn_cell_matches_torch(rnn_torch, device, data, dtype, seed, nonlinearity):
    n, d, h = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5))
    x, h0 = draw_tensor(data, (n, d), dtype, device), draw_tensor(data, (n, h), dtype, device)
    params = weights(torch.Generator().manual_seed(seed), 1, d, h, dtype, device)
    module = torch_module("rnn_cell", d, h, params, dtype, device, nonlinearity=nonlinearity)
    x2, h2 = copies([x, h0])
    got = rnn_torch.rnn_cell(x, h0, *params, nonlinearity=nonlinearity)
    parity([got], [module(x2, h2)], [x, h0, *params], [x2, h2, *module.parameters()], ["x", "h", *WEIGHT_NAMES],
           {"x": x, "h": h0, "w_ih": params[0], "nonlinearity": nonlinearity}, "rnn_cell",
           f"h' = {nonlinearity}(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh): w_hh is square, so h @ w_hh without "
           "the .T runs and is wrong; and apply the nonlinearity you are asked for")


@given(data=st.data(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**31))
def test_lstm_cell_matches_torch(rnn_torch, device, data, dtype, seed):
    n, d, h = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5))
    x, h0, c0 = (draw_tensor(data, shape, dtype, device) for shape in [(n, d), (n, h), (n, h)])
    params = weights(torch.Generator().manual_seed(seed), 4, d, h, dtype, device)
    module = torch_module("lstm_cell", d, h, params, dtype, device)
    x2, h2, c2 = copies([x, h0, c0])
    got = rnn_torch.lstm_cell(x, (h0, c0), *params)
    parity(list(got), list(module(x2, (h2, c2))), [x, h0, c0, *params], [x2, h2, c2, *module.parameters()],
           ["x", "h", "c", *WEIGHT_NAMES], {"x": x, "h": h0, "c": c0, "w_ih": params[0]}, "lstm_cell", LAYOUT)


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("kind", ["rnn_cell", "lstm_cell"])
def test_cells_without_bias_or_state(rnn_torch, device, kind, dtype, seed):
    generator = torch.Generator().manual_seed(seed)
    gates = 4 if kind == "lstm_cell" else 1
    x = random_tensor(generator, (3, 4), dtype, device)
    params = weights(generator, gates, 4, 5, dtype, device, bias=False)
    module = torch_module(kind, 4, 5, params, dtype, device)
    (x2,) = copies([x])
    got = getattr(rnn_torch, kind)(x, None, *params)
    expected = module(x2)
    got, expected = ([got], [expected]) if kind == "rnn_cell" else (list(got), list(expected))
    parity(got, expected, [x, params[0], params[1]], [x2, *module.parameters()], ["x", "w_ih", "w_hh"],
           {"x": x, "kind": kind, "biases": None, "state": None}, f"{kind} without biases or state",
           "b_ih=None and b_hh=None mean no bias; a state of None means zeros of x's dtype on x's device "
           "(x.new_zeros(N, H)), not torch.zeros(N, H), which is float32 on the CPU")


@given(data=st.data(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**31),
       nonlinearity=st.sampled_from(["tanh", "relu"]))
def test_rnn_matches_torch(rnn_torch, device, data, dtype, seed, nonlinearity):
    t, n = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 3))
    d, h = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    xs, h0 = draw_tensor(data, (t, n, d), dtype, device), draw_tensor(data, (n, h), dtype, device)
    params = weights(torch.Generator().manual_seed(seed), 1, d, h, dtype, device)
    module = torch_module("rnn", d, h, params, dtype, device, nonlinearity=nonlinearity)
    xs2, h02 = copies([xs, h0])
    outputs, h_last = rnn_torch.rnn(xs, h0, *params, nonlinearity=nonlinearity)
    expected, expected_h = module(xs2, h02.unsqueeze(0))
    parity([outputs, h_last], [expected, expected_h.squeeze(0)], [xs, h0, *params],
           [xs2, h02, *module.parameters()], ["xs", "h0", *WEIGHT_NAMES],
           {"xs": xs, "h0": h0, "w_ih": params[0], "nonlinearity": nonlinearity}, "rnn", BPTT)


@given(data=st.data(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**31))
def test_lstm_matches_torch(rnn_torch, device, data, dtype, seed):
    t, n = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 3))
    d, h = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    xs = draw_tensor(data, (t, n, d), dtype, device)
    h0, c0 = draw_tensor(data, (n, h), dtype, device), draw_tensor(data, (n, h), dtype, device)
    params = weights(torch.Generator().manual_seed(seed), 4, d, h, dtype, device)
    module = torch_module("lstm", d, h, params, dtype, device)
    xs2, h02, c02 = copies([xs, h0, c0])
    outputs, (h_last, c_last) = rnn_torch.lstm(xs, (h0, c0), *params)
    expected, (expected_h, expected_c) = module(xs2, (h02.unsqueeze(0), c02.unsqueeze(0)))
    parity([outputs, h_last, c_last], [expected, expected_h.squeeze(0), expected_c.squeeze(0)],
           [xs, h0, c0, *params], [xs2, h02, c02, *module.parameters()], ["xs", "h0", "c0", *WEIGHT_NAMES],
           {"xs": xs, "h0": h0, "c0": c0, "w_ih": params[0]}, "lstm", f"{BPTT}; {LAYOUT}")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_sequences_start_from_zeros_when_no_state_is_given(rnn_torch, device, kind, dtype, seed):
    generator = torch.Generator().manual_seed(seed)
    xs = random_tensor(generator, (4, 2, 3), dtype, device)
    params = weights(generator, 4 if kind == "lstm" else 1, 3, 5, dtype, device)
    module = torch_module(kind, 3, 5, params, dtype, device)
    (xs2,) = copies([xs])
    outputs, _ = getattr(rnn_torch, kind)(xs, None, *params)
    expected, _ = module(xs2)
    parity([outputs], [expected], [xs, *params], [xs2, *module.parameters()], ["xs", *WEIGHT_NAMES],
           {"xs": xs, "state0": None}, f"{kind}(xs, None, ...)",
           "a missing initial state is zeros made from the inputs: xs.new_zeros(N, H), right dtype and device")


@pytest.mark.parametrize("kind", ["rnn_cell", "lstm_cell", "rnn", "lstm"])
def test_runs_on_tensors_that_live_elsewhere(rnn_torch, kind):
    gates = 4 if kind.startswith("lstm") else 1
    shape = (3, 2, 4) if kind in ("rnn", "lstm") else (2, 4)
    xs = torch.empty(shape, device="meta")
    params = [torch.empty(s, device="meta") for s in [(gates * 5, 4), (gates * 5, 5), (gates * 5,), (gates * 5,)]]
    result = getattr(rnn_torch, kind)(xs, None, *params)
    out = result if kind == "rnn_cell" else result[0]
    assert out.device.type == "meta" and out.shape == (*shape[:-1], 5), (
        f"{kind} on meta tensors returned a tensor of shape {tuple(out.shape)} on {out.device}: a tensor "
        "created without device= lands on the CPU; make the zero state with xs.new_zeros(N, H)")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_long_sequences_stay_finite_and_match_torch(rnn_torch, device, kind, dtype, seed):
    generator = torch.Generator().manual_seed(seed)
    xs = random_tensor(generator, (150, 2, 3), dtype, device, scale=3.0)
    params = weights(generator, 4 if kind == "lstm" else 1, 3, 4, dtype, device, scale=2.0)
    module = torch_module(kind, 3, 4, params, dtype, device)
    (xs2,) = copies([xs])
    outputs, _ = getattr(rnn_torch, kind)(xs, None, *params)
    expected = module(xs2)[0]
    inputs = {"xs": xs, "scale of weights": 2.0}
    assert_close(torch.isfinite(outputs).all().item(), True, name=f"every output of {kind} over 150 steps is finite",
                 inputs=inputs, cause="h' = o * tanh(c'), not o * c': c' grows without bound over long sequences")
    if dtype == torch.float32:
        # Values only: float32 rounding differences compound through 150 Jacobian products, so the
        # gradients of two correct float32 implementations drift apart; float64 checks them.
        assert_tensor_close(outputs, expected, name=f"outputs of {kind} over 150 steps", inputs=inputs,
                            cause=f"{BPTT}; {LAYOUT}")
        return
    parity([outputs], [expected], [xs, *params], [xs2, *module.parameters()], ["xs", *WEIGHT_NAMES],
           inputs, f"{kind} over 150 steps", f"{BPTT}; {LAYOUT}")


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_gradient_of_the_last_output_reaches_the_first_input(rnn_torch, device, kind, seed):
    generator = torch.Generator().manual_seed(seed)
    xs = random_tensor(generator, (12, 2, 3), torch.float64, device)
    params = weights(generator, 4 if kind == "lstm" else 1, 3, 4, torch.float64, device, scale=1.0)
    module = torch_module(kind, 3, 4, params, torch.float64, device)
    (xs2,) = copies([xs])
    outputs, _ = getattr(rnn_torch, kind)(xs, None, *params)
    (got,) = torch.autograd.grad(outputs[-1].sum(), xs)
    (expected,) = torch.autograd.grad(module(xs2)[0][-1].sum(), xs2)
    assert_tensor_close(got[0], expected[0], name=f"d outputs[-1].sum() / d xs[0] of {kind}", inputs={"xs": xs},
                        cause="the state was detached between steps (truncated BPTT by accident): the last "
                              "output must depend on the first input through the carried state")


GOOD = {"x": (2, 3), "h": (2, 4), "w_ih": (4, 3), "w_hh": (4, 4), "b_ih": (4,), "b_hh": (4,)}


@pytest.mark.parametrize("kind", ["rnn_cell", "lstm_cell"])
@pytest.mark.parametrize("case, change", [
    ("x of one dimension", {"x": (3,)}),
    ("w_ih with the wrong input size", {"w_ih": (4, 2)}),
    ("w_hh with the wrong hidden size", {"w_hh": (4, 3)}),
    ("h with the wrong batch size", {"h": (3, 4)}),
    ("h with the wrong hidden size", {"h": (2, 5)}),
    ("b_hh with the wrong size", {"b_hh": (5,)}),
])
def test_cells_reject_shapes_that_disagree(rnn_torch, device, kind, case, change):
    gates = 4 if kind == "lstm_cell" else 1
    shapes = {**GOOD, **change}
    made = {name: torch.zeros(tuple(s * gates if name in ("w_ih", "w_hh", "b_ih", "b_hh") and i == 0 else s
                                    for i, s in enumerate(shape)), device=device)
            for name, shape in shapes.items()}
    state = made["h"] if kind == "rnn_cell" else (made["h"], made["h"])
    call = lambda: getattr(rnn_torch, kind)(made["x"], state, made["w_ih"], made["w_hh"],  # noqa: E731
                                            made["b_ih"], made["b_hh"])
    assert_raises(ValueError, call, name=kind, why=case,
                  cause="check x (N, D), state (N, H), w_ih (G*H, D), w_hh (G*H, H), biases (G*H,) first: "
                        "broadcasting hides a wrong batch or bias size, and a matmul error names no argument")


@pytest.mark.parametrize("case, call", [
    ("xs of two dimensions", lambda m, dev: m.rnn(torch.zeros(2, 3, device=dev), None, torch.zeros(4, 3, device=dev),
                                                  torch.zeros(4, 4, device=dev))),
    ("an empty sequence", lambda m, dev: m.lstm(torch.zeros(0, 2, 3, device=dev), None,
                                                torch.zeros(16, 3, device=dev), torch.zeros(16, 4, device=dev))),
    ("nonlinearity='sigmoid'", lambda m, dev: m.rnn_cell(torch.zeros(2, 3, device=dev), None,
                                                         torch.zeros(4, 3, device=dev), torch.zeros(4, 4, device=dev),
                                                         nonlinearity="sigmoid")),
])
def test_rejects_bad_sequences_and_options(rnn_torch, device, case, call):
    assert_raises(ValueError, lambda: call(rnn_torch, device), name="rnn_torch", why=case,
                  cause="xs must be (T, N, D) with T >= 1, and nonlinearity 'tanh' or 'relu'")
