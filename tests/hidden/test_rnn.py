"""Hidden checks for rnn: torch parity (cells and sequences), numerical gradients, BPTT, gradient flow, dtypes."""

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_close, assert_dtype, assert_gradient, assert_shape
from grader.parity import assert_matches_torch

WEIGHTS = ("w_ih", "w_hh", "b_ih", "b_hh")


@dataclass(frozen=True)
class Family:
    """One forward/backward pair of the API, described so that a test can drive any of them."""

    name: str
    torch_kind: str  # the torch module with the same computation
    gates: int  # weight rows per hidden unit: 1 (RNN) or 4 (LSTM)
    sequence: bool  # x is (T, N, D) and params come as a dict
    states: tuple[str, ...]  # names of the initial states, hidden state first

    @property
    def forward(self) -> str:
        return f"{self.name}_forward"

    @property
    def backward(self) -> str:
        return f"{self.name}_backward"


FAMILIES = {family.name: family for family in [
    Family("rnn_cell", "RNNCell", 1, False, ("h_prev",)),
    Family("lstm_cell", "LSTMCell", 4, False, ("h_prev", "c_prev")),
    Family("rnn", "RNN", 1, True, ("h0",)),
    Family("lstm", "LSTM", 4, True, ("h0", "c0")),
]}

GATES = "gates in torch's order i, f, g, o: a[:, :H] -> i, a[:, H:2H] -> f, a[:, 2H:3H] -> g, a[:, 3H:] -> o"
CAUSES = {
    "rnn_cell": {
        "out": "h = tanh(x @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh): both weights are (out, in), transpose them",
        "x": "da = dh * (1 - h**2) (tanh' from the OUTPUT h, not the pre-activation); dx = da @ w_ih",
        "h_prev": "dh_prev = da @ w_hh with da = dh * (1 - h**2); the forward used h_prev @ w_hh.T",
        "w_ih": "dw_ih = da.T @ x, shape (H, D) like w_ih",
        "w_hh": "dw_hh = da.T @ h_prev, shape (H, H); the forward must use h_prev @ w_hh.T",
        "b_ih": "db_ih = da.sum(axis=0) with da = dh * (1 - h**2)",
        "b_hh": "db_hh = da.sum(axis=0), the same values as db_ih",
    },
    "lstm_cell": {
        "out": f"c = f * c_prev + i * g and h = o * tanh(c), {GATES}",
        "x": f"dx = da @ w_ih with da the four gate gradients concatenated in the forward's order; {GATES}",
        "h_prev": "dh_prev = da @ w_hh, da of shape (N, 4H) in the gate order i, f, g, o",
        "c_prev": "dc_prev = (dc + dh * o * (1 - tanh(c)**2)) * f: the forget gate scales the cell gradient",
        "w_ih": "dw_ih = da.T @ x, (4H, D); da[:, :H] = dc_total * g * i * (1 - i), and so on per gate",
        "w_hh": "dw_hh = da.T @ h_prev, (4H, H)",
        "b_ih": "db_ih = da.sum(axis=0), (4H,)",
        "b_hh": "db_hh = da.sum(axis=0), (4H,)",
    },
    "rnn": {
        "out": "hs[t] is the hidden state AFTER step t (h_1 .. h_T, not h0), each from rnn_cell_forward",
        "x": "BPTT: the gradient reaching h_t is dhs[t] PLUS dh_prev from step t+1, going from T-1 down to 0",
        "h0": "dh0 is the dh_prev of step 0, after the gradient of every later step has flowed back",
        "w_ih": "weights are shared over time: dw = the SUM over steps of each step's gradient (+=, not =)",
        "w_hh": "dw_hh sums da_t.T @ h_{t-1} over all steps, with dh_t = dhs[t] + dh_prev from step t+1",
        "b_ih": "db_ih sums over the batch AND over the T steps",
        "b_hh": "db_hh sums over the batch AND over the T steps",
    },
    "lstm": {
        "out": f"hs[t] = h_t from lstm_cell_forward, carrying both h and c; {GATES}",
        "x": "BPTT: dh into step t is dhs[t] + dh_prev of step t+1, and dc is dc_prev of step t+1 (0 at the end)",
        "h0": "dh0 is step 0's dh_prev after the gradients of every later step have flowed back",
        "c0": "carry dc_prev from step t+1 into step t as its dc: the cell state's gradient flows through time",
        "w_ih": "weights are shared over time: dw = the SUM over steps of each step's gradient (+=, not =)",
        "w_hh": "dw_hh sums over steps, each step's dh including what flows back from step t+1",
        "b_ih": "db_ih sums over the batch AND over the T steps",
        "b_hh": "db_hh sums over the batch AND over the T steps",
    },
}


def run_forward(module, family, arrays):
    """(out, cache): out is h, (h, c) stacked for the LSTM cell, or hs for a sequence."""
    weights = [arrays[name] for name in WEIGHTS]
    states = [arrays[name] for name in family.states]
    call = getattr(module, family.forward)
    if family.sequence:
        return call(arrays["x"], *states, dict(zip(WEIGHTS, weights)))
    *outs, cache = call(arrays["x"], *states, *weights)
    return (outs[0] if len(outs) == 1 else np.stack(outs)), cache


def run_backward(module, family, dout, cache):
    upstream = list(dout) if family.name == "lstm_cell" else [dout]  # (dh, dc) for the LSTM cell
    return getattr(module, family.backward)(*upstream, cache)


def torch_oracle(family, features, hidden):
    """A function of the arrays' names that runs the same computation in torch, weights plugged in."""
    import torch
    from torch.func import functional_call

    module = getattr(torch.nn, family.torch_kind)(features, hidden, dtype=torch.float64)
    suffix = "_l0" if family.sequence else ""

    def run(x, w_ih, w_hh, b_ih, b_hh, **states):
        weights = {f"weight_ih{suffix}": w_ih, f"weight_hh{suffix}": w_hh,
                   f"bias_ih{suffix}": b_ih, f"bias_hh{suffix}": b_hh}
        initial = [state[None] if family.sequence else state for state in states.values()]  # (1, N, H): layers
        out = functional_call(module, weights, (x, initial[0] if len(initial) == 1 else tuple(initial)))
        if family.sequence:
            return out[0]
        return torch.stack(out) if isinstance(out, tuple) else out

    return run


def input_shapes(family, steps, batch, features, hidden):
    """(shape of every array by API name, shape of the upstream gradient)."""
    rows = family.gates * hidden
    lead = (steps, batch) if family.sequence else (batch,)
    shapes = {"x": (*lead, features), **{name: (batch, hidden) for name in family.states},
              "w_ih": (rows, features), "w_hh": (rows, hidden), "b_ih": (rows,), "b_hh": (rows,)}
    upstream = (2, batch, hidden) if family.name == "lstm_cell" else (*lead, hidden)  # (dh, dc) stacked
    return shapes, upstream


@st.composite
def recurrent_inputs(draw, family, *, min_steps=1, max_steps=5, max_batch=3, max_side=4):
    """(arrays by API name, upstream gradient) for one family: T <= 5, N <= 3, D, H <= 4.

    Hypothesis draws the sizes, a scale and a seed; the values are Gaussian. Drawing every
    element with hypothesis costs ten times more for a recurrent net's many small arrays, and
    Gaussian weights are never symmetric, so a missing transpose of the square w_hh shows.
    """
    shapes, upstream = input_shapes(family, draw(st.integers(min_steps, max_steps), label="T"),
                                    draw(st.integers(1, max_batch), label="N"),
                                    draw(st.integers(1, max_side), label="D"),
                                    draw(st.integers(1, max_side), label="H"))
    scale = draw(st.sampled_from([1.0, 0.3, 2.0]), label="scale")  # 2.0 saturates tanh and sigmoid
    return random_inputs(shapes, upstream, np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="seed")),
                         scale=scale)


def random_inputs(shapes, upstream, rng, *, scale=1.0, dtype=np.float64):
    arrays = {name: (scale * rng.standard_normal(shape)).astype(dtype) for name, shape in shapes.items()}
    return arrays, (scale * rng.standard_normal(upstream)).astype(dtype)


def fixed_inputs(family, rng, *, dtype=np.float64):
    """Gaussian inputs with T=3, N=2, D=3, H=2 (D != H: a missing transpose cannot go unseen)."""
    return random_inputs(*input_shapes(family, 3, 2, 3, 2), rng, dtype=dtype)


NAMES = list(FAMILIES)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_matches_torch_in_float64(rnn, name, data):
    family = FAMILIES[name]
    arrays, dout = data.draw(recurrent_inputs(family), label="inputs")
    out, cache = run_forward(rnn, family, arrays)
    grads = run_backward(rnn, family, dout, cache)
    features, hidden = arrays["x"].shape[-1], arrays["w_hh"].shape[1]
    assert_matches_torch(torch_oracle(family, features, hidden), arrays, out=out,
                         grads={key: grads.get(key) for key in arrays}, dout=dout,
                         forward=family.forward, backward=family.backward, causes=CAUSES[name])


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_backward_matches_numerical_gradients(rnn, name, data):
    family = FAMILIES[name]
    arrays, dout = data.draw(recurrent_inputs(family, max_steps=3, max_batch=2, max_side=3),
                             label="inputs")
    _, cache = run_forward(rnn, family, arrays)
    grads = run_backward(rnn, family, dout, cache)
    shown = {**arrays, "dout": dout}
    for key, value in arrays.items():
        def forward(v, key=key):
            return run_forward(rnn, family, {**arrays, key: v})[0]

        assert_gradient(grads.get(key), forward, value, dout=dout, name=f"d{key} of {family.backward}",
                        inputs=shown, cause=CAUSES[name][key])


@given(data=st.data())
def test_lstm_gates_follow_torchs_order(rnn, data):
    batch, hidden = data.draw(st.integers(1, 3), label="N"), data.draw(st.integers(1, 4), label="H")
    biases = data.draw(gs.float_arrays((4 * hidden,), bound=3.0), label="b_ih")
    c_prev = data.draw(gs.float_arrays((batch, hidden), bound=2.0), label="c_prev")
    x, h_prev = np.ones((batch, 2)), np.ones((batch, hidden))
    # Zero weights: every gate is its bias alone, so each gate's value is known in closed form.
    w_ih, w_hh, b_hh = np.zeros((4 * hidden, 2)), np.zeros((4 * hidden, hidden)), np.zeros(4 * hidden)
    h, c, _ = rnn.lstm_cell_forward(x, h_prev, c_prev, w_ih, w_hh, biases, b_hh)
    i, f, g, o = np.split(biases, 4)
    i, f, o = (1 / (1 + np.exp(-z)) for z in (i, f, o))
    expected_c = f * c_prev + i * np.tanh(g)
    shown = {"b_ih": biases, "c_prev": c_prev}
    assert_close(c, expected_c, name="c of lstm_cell_forward", inputs=shown, cause=GATES)
    assert_close(h, o * np.tanh(expected_c), name="h of lstm_cell_forward", inputs=shown,
                 cause=f"h = o * tanh(c); {GATES}")


@given(data=st.data())
def test_forget_gate_scales_the_cell_gradient(rnn, data):
    family = FAMILIES["lstm_cell"]
    arrays, dout = data.draw(recurrent_inputs(family), label="inputs")
    _, cache = run_forward(rnn, family, arrays)
    grads = run_backward(rnn, family, [np.zeros_like(dout[0]), dout[1]], cache)  # dh = 0: only dc flows
    hidden = arrays["h_prev"].shape[1]
    a = arrays["x"] @ arrays["w_ih"].T + arrays["b_ih"] + arrays["h_prev"] @ arrays["w_hh"].T + arrays["b_hh"]
    forget = 1 / (1 + np.exp(-a[:, hidden:2 * hidden]))
    assert_close(grads.get("c_prev"), dout[1] * forget, name="dc_prev of lstm_cell_backward (dh = 0)",
                 inputs={**arrays, "dc": dout[1]},
                 cause="c = f * c_prev + i * g, so dc_prev = dc * f: multiply by the forget gate")


@pytest.mark.parametrize("name", ["rnn", "lstm"])
@given(data=st.data())
def test_hidden_states_are_the_cell_unrolled(rnn, name, data):
    family = FAMILIES[name]
    arrays, _ = data.draw(recurrent_inputs(family), label="inputs")
    hs, _ = run_forward(rnn, family, arrays)
    cell = getattr(rnn, f"{name}_cell_forward")
    states = [arrays[key] for key in family.states]
    expected = []
    for x_t in arrays["x"]:
        *states, _ = cell(x_t, *states, *(arrays[key] for key in WEIGHTS))
        expected.append(states[0])
    assert_close(hs, np.stack(expected), name=f"hs of {family.forward}", inputs=arrays,
                 cause="hs[t] is the state AFTER step t: update the state, then record it; hs excludes h0")


@given(data=st.data())
def test_weight_gradients_are_summed_over_time(rnn, data):
    family = FAMILIES["rnn"]
    arrays, dhs = data.draw(recurrent_inputs(family, min_steps=2), label="inputs")
    arrays["w_hh"] = np.zeros_like(arrays["w_hh"])  # no recurrence: the T steps are T independent cells
    hs, cache = rnn.rnn_forward(arrays["x"], arrays["h0"], {key: arrays[key] for key in WEIGHTS})
    grads = rnn.rnn_backward(dhs, cache)
    steps, batch, features = arrays["x"].shape
    hidden = hs.shape[-1]
    # The same weights over the T*N rows of every step at once, as one batch through one cell.
    previous = np.concatenate([arrays["h0"][None], hs[:-1]]).reshape(steps * batch, hidden)
    _, cell_cache = rnn.rnn_cell_forward(arrays["x"].reshape(steps * batch, features), previous,
                                         *(arrays[key] for key in WEIGHTS))
    expected = rnn.rnn_cell_backward(dhs.reshape(steps * batch, hidden), cell_cache)
    for key in WEIGHTS:
        assert_close(grads.get(key), expected[key], name=f"d{key} of rnn_backward (w_hh = 0)",
                     inputs={**arrays, "dhs": dhs}, cause=CAUSES["rnn"][key])


def orthogonal(hidden, seed):
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((hidden, hidden)))
    return q * np.sign(np.diag(r))


@pytest.mark.parametrize("scale, h0_scale, bound, grows", [
    # ||w_hh||_2 = 0.5: each step multiplies the gradient by diag(1 - h**2) @ w_hh, of norm <= 0.5,
    # so 50 steps give ||d h_T / d h_0|| <= sqrt(H) * 0.5**50 < 2e-15, whatever h0 is.
    (0.5, 1.0, 1e-12, False),
    # ||w_hh||_2 = 1.5 in the LINEAR regime: h0 ~ 1e-12 keeps |h_t| <= 1.5**50 * 1e-12 < 1e-3, so tanh' ~ 1
    # and d h_T / d h_0 ~ w_hh**50, of Frobenius norm 1.5**50 * sqrt(H) > 6e8. (A large h0 would saturate
    # tanh, and tanh' ~ 0 would make even these gradients vanish.)
    (1.5, 1e-12, 1e8, True),
])
@given(hidden=st.integers(2, 4), seed=st.integers(0, 2**32 - 1))
def test_gradients_vanish_or_explode_over_50_steps(rnn, scale, h0_scale, bound, grows, hidden, seed):
    steps, features = 50, 2
    w_hh = scale * orthogonal(hidden, seed)
    params = {"w_ih": np.ones((hidden, features)), "w_hh": w_hh, "b_ih": np.zeros(hidden), "b_hh": np.zeros(hidden)}
    # H copies of one h0; copy k receives d/dh_T[k] = 1, so the rows of dh0 are the Jacobian d h_T / d h_0.
    h0 = np.tile(h0_scale * np.random.default_rng(seed + 1).standard_normal(hidden), (hidden, 1))
    dhs = np.zeros((steps, hidden, hidden))
    dhs[-1] = np.eye(hidden)
    _, cache = rnn.rnn_forward(np.zeros((steps, hidden, features)), h0, params)
    jacobian = rnn.rnn_backward(dhs, cache).get("h0")
    assert_shape(jacobian, (hidden, hidden), name="dh0 of rnn_backward")
    norm = float(np.linalg.norm(jacobian))
    if grows:
        assert norm > bound, (f"||d h_T / d h_0|| over 50 steps with w_hh = 1.5 * orthogonal and tiny h0 should "
                              f"exceed {bound:g} (about 1.5**50 = 6.4e8), got {norm:.3g}: the gradient into h_t "
                              "must be dhs[t] plus dh_prev flowing back from step t+1")
    else:
        assert norm < bound, (f"||d h_T / d h_0|| over 50 steps with w_hh = 0.5 * orthogonal should be below "
                              f"{bound:g} (at most sqrt(H) * 0.5**50), got {norm:.3g}")


def test_lstm_cell_state_carries_the_gradient_over_50_steps(rnn, rng):
    steps, batch, features, hidden = 50, 2, 2, 3
    # Zero weights; biases give i = o = sigmoid(0) = 0.5, f = sigmoid(6), g = tanh(0) = 0,
    # so c_t = f * c_{t-1}: c_T = f**50 * c0 and h_T = o * tanh(c_T).
    b_ih = np.concatenate([np.zeros(hidden), np.full(hidden, 6.0), np.zeros(2 * hidden)])
    params = {"w_ih": np.zeros((4 * hidden, features)), "w_hh": np.zeros((4 * hidden, hidden)),
              "b_ih": b_ih, "b_hh": np.zeros(4 * hidden)}
    h0, c0 = rng.standard_normal((batch, hidden)), rng.standard_normal((batch, hidden))
    dhs = np.zeros((steps, batch, hidden))
    dhs[-1] = 1.0
    _, cache = rnn.lstm_forward(np.zeros((steps, batch, features)), h0, c0, params)
    grads = rnn.lstm_backward(dhs, cache)
    decay = (1 / (1 + np.exp(-6.0))) ** steps  # f**50 ~ 0.88: the forget gate, not tanh', sets the decay
    expected = 0.5 * (1 - np.tanh(decay * c0) ** 2) * decay
    assert_close(grads.get("c0"), expected, name="dc0 of lstm_backward over 50 steps",
                 inputs={"c0": c0, "dhs": dhs},
                 cause="dc flows from step t+1 to step t as dc_prev = dc_total * f; carry it through every step")


@pytest.mark.parametrize("name", NAMES)
def test_float32_stays_float32(rnn, rng, name):
    family = FAMILIES[name]
    arrays, dout = fixed_inputs(family, rng, dtype=np.float32)
    out, cache = run_forward(rnn, family, arrays)
    assert_dtype(out, np.float32, name=f"out of {family.forward}")
    grads = run_backward(rnn, family, dout, cache)
    for key in arrays:
        assert_dtype(grads.get(key), np.float32, name=f"d{key} of {family.backward}",
                     cause="np.zeros(shape) without dtype= is float64: use np.zeros_like or dtype=x.dtype")


@pytest.mark.parametrize("name", NAMES)
def test_inputs_are_not_modified(rnn, rng, name):
    family = FAMILIES[name]
    arrays, dout = fixed_inputs(family, rng)
    before = {**{key: value.copy() for key, value in arrays.items()}, "dout": dout.copy()}
    _, cache = run_forward(rnn, family, arrays)
    run_backward(rnn, family, dout, cache)
    for key, value in {**arrays, "dout": dout}.items():
        assert_close(value, before[key], name=f"{key} after {family.forward}/{family.backward}", rtol=0, atol=0,
                     cause="dh = dhs[t] is a view: dh += dh_next writes into the caller's array; "
                           "write dh = dhs[t] + dh_next")
