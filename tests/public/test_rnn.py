"""Public checks for rnn: fixed values by hand, shapes, torch parity of both cells and both sequences."""

import numpy as np
import pytest

from grader.checks import assert_close, assert_shape

WEIGHTS = ("w_ih", "w_hh", "b_ih", "b_hh")
GATES = "gates in torch's order i, f, g, o: a[:, :H] -> i, a[:, H:2H] -> f, a[:, 2H:3H] -> g, a[:, 3H:] -> o"


def test_rnn_cell_fixed_values(rnn):
    x, h_prev = np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 2.0]])  # N=1, D=3, H=2
    w_ih = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0]])  # x @ w_ih.T = [1, -3]
    w_hh = np.array([[0.5, 0.0], [0.25, 0.5]])  # h_prev @ w_hh.T = [0.5, 1.25] (h_prev @ w_hh = [1, 1])
    b_ih, b_hh = np.array([0.0, 1.0]), np.array([-0.5, 0.75])
    h, cache = rnn.rnn_cell_forward(x, h_prev, w_ih, w_hh, b_ih, b_hh)
    shown = {"x": x, "h_prev": h_prev, "w_ih": w_ih, "w_hh": w_hh}
    # a = [1 + 0.5 + 0 - 0.5, -3 + 1.25 + 1 + 0.75] = [1, 0], h = tanh(a)
    assert_close(h, [[0.7615941559557649, 0.0]], name="h of rnn_cell_forward", inputs=shown,
                 cause="h = tanh(x @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh): weights are (out, in), transpose them")
    grads = rnn.rnn_cell_backward(np.ones((1, 2)), cache)
    # da = dh * (1 - h**2) = [1 - tanh(1)**2, 1]; db is da summed over the batch
    assert_close(grads["b_ih"], [0.41997434161402614, 1.0], name="db_ih of rnn_cell_backward", inputs=shown,
                 cause="da = dh * (1 - h**2), with h the OUTPUT of tanh; db_ih = da.sum(axis=0)")


def test_lstm_cell_gates_in_torch_order(rnn):
    # H=1, zero weights: each gate is its bias alone. b_ih = [i, f, g, o] pre-activations.
    b_ih = np.array([0.0, np.log(3.0), np.arctanh(0.5), 0.0])  # i = 0.5, f = 0.75, g = 0.5, o = 0.5
    x, h_prev, c_prev = np.ones((1, 2)), np.ones((1, 1)), np.ones((1, 1))
    h, c, _ = rnn.lstm_cell_forward(x, h_prev, c_prev, np.zeros((4, 2)), np.zeros((4, 1)), b_ih, np.zeros(4))
    # c = f * c_prev + i * g = 0.75 + 0.25 = 1;  h = o * tanh(c) = 0.5 * tanh(1)
    assert_close(c, [[1.0]], name="c of lstm_cell_forward", inputs={"b_ih": b_ih}, cause=GATES)
    assert_close(h, [[0.3807970779778824]], name="h of lstm_cell_forward", inputs={"b_ih": b_ih},
                 cause=f"h = o * tanh(c); {GATES}")


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_sequence_shapes(rnn, rng, kind):
    steps, batch, features, hidden = 4, 2, 3, 5
    gates = 4 if kind == "lstm" else 1
    params = {"w_ih": rng.standard_normal((gates * hidden, features)),
              "w_hh": rng.standard_normal((gates * hidden, hidden)),
              "b_ih": rng.standard_normal(gates * hidden), "b_hh": rng.standard_normal(gates * hidden)}
    x, h0 = rng.standard_normal((steps, batch, features)), rng.standard_normal((batch, hidden))
    states = {"h0": h0, "c0": rng.standard_normal((batch, hidden))} if kind == "lstm" else {"h0": h0}
    hs, cache = getattr(rnn, f"{kind}_forward")(x, *states.values(), params)
    assert_shape(hs, (steps, batch, hidden), name=f"hs of {kind}_forward",
                 cause="hs holds h_1 .. h_T stacked on axis 0: (T, N, H)")
    grads = getattr(rnn, f"{kind}_backward")(np.ones((steps, batch, hidden)), cache)
    for key, value in {"x": x, **states, **params}.items():
        assert key in grads, f"{kind}_backward returned no {key!r}; expected the keys {sorted(['x', *states, *params])}"
        assert_shape(grads[key], value.shape, name=f"d{key} of {kind}_backward",
                     cause="every gradient has the shape of the array it is the gradient of")


def compare_with_torch(rnn, rng, kind):
    """Run one of the four functions and torch's module with the same weights copied in."""
    import torch

    sequence, lstm = kind in ("RNN", "LSTM"), "LSTM" in kind
    steps, batch, features, hidden = 3, 2, 3, 4
    gates = 4 if lstm else 1
    arrays = {"x": rng.standard_normal((steps, batch, features) if sequence else (batch, features))}
    states = (["h0", "c0"] if lstm else ["h0"]) if sequence else (["h_prev", "c_prev"] if lstm else ["h_prev"])
    arrays.update({name: rng.standard_normal((batch, hidden)) for name in states})
    arrays.update({"w_ih": rng.standard_normal((gates * hidden, features)),
                   "w_hh": rng.standard_normal((gates * hidden, hidden)),
                   "b_ih": rng.standard_normal(gates * hidden), "b_hh": rng.standard_normal(gates * hidden)})
    dout = rng.standard_normal(arrays["x"].shape[:-1] + (hidden,))

    module = getattr(torch.nn, kind)(features, hidden, dtype=torch.float64)
    suffix = "_l0" if sequence else ""
    with torch.no_grad():
        for ours, theirs in zip(WEIGHTS, ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]):
            getattr(module, theirs + suffix).copy_(torch.from_numpy(arrays[ours]))
    tensors = {name: torch.tensor(arrays[name], requires_grad=True) for name in ["x", *states]}
    initial = [tensors[name][None] if sequence else tensors[name] for name in states]  # (1, N, H) for nn.RNN
    result = module(tensors["x"], initial[0] if len(initial) == 1 else tuple(initial))
    expected = result[0] if sequence or lstm else result  # nn.RNN/LSTM: (output, state); LSTMCell: (h, c)
    expected.backward(torch.from_numpy(dout))
    expected_grads = {name: tensors[name].grad.numpy() for name in tensors}
    expected_grads.update({ours: getattr(module, theirs + suffix).grad.numpy()
                           for ours, theirs in zip(WEIGHTS, ["weight_ih", "weight_hh", "bias_ih", "bias_hh"])})

    name = {"RNNCell": "rnn_cell", "LSTMCell": "lstm_cell", "RNN": "rnn", "LSTM": "lstm"}[kind]
    weights = [arrays[key] for key in WEIGHTS]
    if sequence:
        out, cache = getattr(rnn, f"{name}_forward")(arrays["x"], *(arrays[s] for s in states),
                                                       dict(zip(WEIGHTS, weights)))
        grads = getattr(rnn, f"{name}_backward")(dout, cache)
    elif lstm:  # only h goes on; dc = 0
        out, _, cache = rnn.lstm_cell_forward(arrays["x"], arrays["h_prev"], arrays["c_prev"], *weights)
        grads = rnn.lstm_cell_backward(dout, np.zeros_like(dout), cache)
    else:
        out, cache = rnn.rnn_cell_forward(arrays["x"], arrays["h_prev"], *weights)
        grads = rnn.rnn_cell_backward(dout, cache)
    shown = {**arrays, "dout": dout}
    assert_close(out, expected.detach().numpy(), name=f"out of {name}_forward", inputs=shown,
                 cause=f"compare with torch.nn.{kind}; {GATES if lstm else 'h = tanh(...), weights transposed'}")
    for key, value in expected_grads.items():
        assert_close(grads.get(key), value, name=f"d{key} of {name}_backward", inputs=shown,
                     cause="BPTT: dh into step t is dhs[t] + dh_prev from step t+1; weight gradients sum over steps"
                     if sequence else "chain rule through the nonlinearity, then the affine part")


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "RNN", "LSTM"])
def test_matches_torch_on_small_inputs(rnn, rng, kind):
    compare_with_torch(rnn, rng, kind)
