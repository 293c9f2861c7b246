# Exercise generated from solutions/rnn.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m rnn`.
"""Recurrent cells (vanilla RNN and LSTM) and backpropagation through time.

Conventions, the same as torch's ``nn.RNN`` / ``nn.LSTM`` with ``batch_first=False``:

- sequences are time-major: x is (T, N, D), T steps of a batch of N rows of D features;
- hidden and cell states are (N, H);
- weights are stored (out, in) as in torch: w_ih (G*H, D), w_hh (G*H, H), b_ih and b_hh (G*H,),
  with G = 1 for the RNN and G = 4 for the LSTM, whose gates are stacked in torch's order
  i, f, g, o (input, forget, cell candidate, output). So the products are ``x @ w_ih.T``.

Layer convention, as everywhere in the kit::

    h, cache = rnn_cell_forward(x, h_prev, w_ih, w_hh, b_ih, b_hh)
    grads = rnn_cell_backward(dh, cache)            # {"x", "h_prev", "w_ih", "w_hh", "b_ih", "b_hh"}
    h, c, cache = lstm_cell_forward(x, h_prev, c_prev, w_ih, w_hh, b_ih, b_hh)
    grads = lstm_cell_backward(dh, dc, cache)       # the same keys and "c_prev"
    hs, cache = rnn_forward(x, h0, params)          # params {"w_ih", "w_hh", "b_ih", "b_hh"}
    grads = rnn_backward(dhs, cache)                # {"x", "h0", "w_ih", "w_hh", "b_ih", "b_hh"}
    hs, cache = lstm_forward(x, h0, c0, params)
    grads = lstm_backward(dhs, cache)               # the same keys and "c0"

hs (T, N, H) holds every hidden state h_1 .. h_T (not h0); dhs is the upstream gradient of each.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from .activations import sigmoid_forward

Array = NDArray[np.floating]

WEIGHTS = ("w_ih", "w_hh", "b_ih", "b_hh")


def _preactivation(x: Array, h_prev: Array, w_ih: Array, w_hh: Array, b_ih: Array, b_hh: Array) -> Array:
    """The affine part shared by both cells: ``a = x @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh``.

    Args:
        x: (N, D) inputs of this step.
        h_prev: (N, H) previous hidden state.
        w_ih: (G*H, D); w_hh: (G*H, H); b_ih, b_hh: (G*H,). G = 1 (RNN) or 4 (LSTM).
    Returns:
        a: (N, G*H) pre-activations.
    """
    raise NotImplementedError("rnn._preactivation: see docs/rnn.md")


def _preactivation_backward(da: Array, x: Array, h_prev: Array, w_ih: Array, w_hh: Array) -> dict[str, Array]:
    """Gradients of ``a = x @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh``.

        dx      = da @ w_ih        (N, GH) @ (GH, D) -> (N, D)
        dh_prev = da @ w_hh        (N, GH) @ (GH, H) -> (N, H)
        dw_ih   = da.T @ x         (GH, N) @ (N, D)  -> (GH, D)
        dw_hh   = da.T @ h_prev    (GH, N) @ (N, H)  -> (GH, H)
        db_ih   = db_hh = da.sum(axis=0)             -> (GH,)

    Args:
        da: (N, G*H) gradient of the pre-activations.
        x, h_prev, w_ih, w_hh: as given to _preactivation.
    Returns:
        dict with "x" (N, D), "h_prev" (N, H), "w_ih" (G*H, D), "w_hh" (G*H, H), "b_ih" and "b_hh" (G*H,),
        the two bias gradients equal but separate arrays.
    """
    raise NotImplementedError("rnn._preactivation_backward: see docs/rnn.md")


def rnn_cell_forward(
    x: Array, h_prev: Array, w_ih: Array, w_hh: Array, b_ih: Array, b_hh: Array
) -> tuple[Array, tuple]:
    """One step of a vanilla (Elman) RNN: ``h = tanh(x @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)``.

    Args:
        x: (N, D) inputs of this step.
        h_prev: (N, H) previous hidden state.
        w_ih: (H, D) input-to-hidden weights.
        w_hh: (H, H) hidden-to-hidden weights.
        b_ih, b_hh: (H,) biases.
    Returns:
        h: (N, H) new hidden state, same dtype as x.
        cache: what rnn_cell_backward needs (the inputs, the weights and h).
    """
    raise NotImplementedError("rnn.rnn_cell_forward: see docs/rnn.md")


def rnn_cell_backward(dh: Array, cache: tuple) -> dict[str, Array]:
    """Gradients of one RNN step.

        da = dh * (1 - h**2)    (N, H): tanh'(a) = 1 - tanh(a)**2, written with the output h
        then the affine part: dx = da @ w_ih, dh_prev = da @ w_hh, dw_ih = da.T @ x,
        dw_hh = da.T @ h_prev, db_ih = db_hh = da.sum(axis=0).

    Args:
        dh: (N, H) upstream gradient of h.
        cache: from rnn_cell_forward.
    Returns:
        dict with "x" (N, D), "h_prev" (N, H), "w_ih" (H, D), "w_hh" (H, H), "b_ih" (H,), "b_hh" (H,).
    """
    raise NotImplementedError("rnn.rnn_cell_backward: see docs/rnn.md")


def lstm_cell_forward(
    x: Array, h_prev: Array, c_prev: Array, w_ih: Array, w_hh: Array, b_ih: Array, b_hh: Array
) -> tuple[Array, Array, tuple]:
    """One LSTM step, gates in torch's order i, f, g, o.

        a = x @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh     (N, 4H), split in four (N, H) blocks
        i = sigmoid(a[:, :H])      f = sigmoid(a[:, H:2H])
        g = tanh(a[:, 2H:3H])      o = sigmoid(a[:, 3H:])
        c = f * c_prev + i * g
        h = o * tanh(c)

    Args:
        x: (N, D) inputs of this step.
        h_prev, c_prev: (N, H) previous hidden and cell states.
        w_ih: (4H, D); w_hh: (4H, H); b_ih, b_hh: (4H,).
    Returns:
        h: (N, H) new hidden state; c: (N, H) new cell state; both of x's dtype.
        cache: what lstm_cell_backward needs.
    """
    raise NotImplementedError("rnn.lstm_cell_forward: see docs/rnn.md")


def lstm_cell_backward(dh: Array, dc: Array, cache: tuple) -> dict[str, Array]:
    """Gradients of one LSTM step; dc is the gradient reaching c from outside h (the next step).

        dc_total = dc + dh * o * (1 - tanh(c)**2)     c feeds the next step and h = o * tanh(c)
        do = dh * tanh(c)     di = dc_total * g     dg = dc_total * i     df = dc_total * c_prev
        dc_prev = dc_total * f
        da = [di * i(1-i), df * f(1-f), dg * (1-g**2), do * o(1-o)]   (N, 4H), torch's gate order
        then the affine part as in rnn_cell_backward, with da of width 4H.

    Args:
        dh: (N, H) upstream gradient of h.
        dc: (N, H) upstream gradient of c.
        cache: from lstm_cell_forward.
    Returns:
        dict with "x" (N, D), "h_prev" (N, H), "c_prev" (N, H), "w_ih" (4H, D), "w_hh" (4H, H),
        "b_ih" (4H,), "b_hh" (4H,).
    """
    raise NotImplementedError("rnn.lstm_cell_backward: see docs/rnn.md")


def _unroll(
    cell_forward: Callable, x: Array, states: tuple[Array, ...], params: dict[str, Array]
) -> tuple[Array, tuple]:
    """Run ``cell_forward`` over the T steps of x, carrying the states from one step to the next.

    ``cell_forward(x_t, *states, w_ih, w_hh, b_ih, b_hh)`` returns ``(*new_states, cache)`` with
    the hidden state first: ``(h, cache)`` for the RNN, ``(h, c, cache)`` for the LSTM.

    Args:
        cell_forward: rnn_cell_forward or lstm_cell_forward.
        x: (T, N, D) inputs.
        states: the initial states, each (N, H): (h0,) or (h0, c0).
        params: {"w_ih", "w_hh", "b_ih", "b_hh"}.
    Returns:
        hs: (T, N, H) the hidden state after every step.
        cache: the T step caches, in time order.
    """
    raise NotImplementedError("rnn._unroll: see docs/rnn.md")


def _backprop_through_time(
    cell_backward: Callable, dhs: Array, steps: tuple, states: tuple[str, ...]
) -> dict[str, Array]:
    """Backpropagation through time, from step T-1 down to step 0.

    The gradient reaching h_t is ``dhs[t]`` plus ``dh_prev`` from step t+1; the other states
    (the LSTM's c) receive only what step t+1 sends back. Weight gradients are summed over steps,
    because the same weights are used at every step.

    ``cell_backward(dh, *d_other_states, cache)`` returns a dict with "x", one key per state and
    one per weight.

    Args:
        cell_backward: rnn_cell_backward or lstm_cell_backward.
        dhs: (T, N, H) upstream gradients of every hidden state.
        steps: the T step caches from _unroll.
        states: the cell's state keys, hidden state first: ("h_prev",) or ("h_prev", "c_prev").
    Returns:
        dict with "x" (T, N, D), the gradient of each initial state (under the cell's state keys,
        each (N, H)) and of each weight (summed over the T steps).
    """
    raise NotImplementedError("rnn._backprop_through_time: see docs/rnn.md")


def rnn_forward(x: Array, h0: Array, params: dict[str, Array]) -> tuple[Array, tuple]:
    """A vanilla RNN over a sequence: ``h_t = rnn_cell(x[t], h_{t-1})`` for t = 1..T, from h0.

    Args:
        x: (T, N, D) inputs, time-major, T >= 1.
        h0: (N, H) initial hidden state.
        params: {"w_ih": (H, D), "w_hh": (H, H), "b_ih": (H,), "b_hh": (H,)}.
    Returns:
        hs: (T, N, H) every hidden state h_1 .. h_T (as the output of torch's nn.RNN).
        cache: what rnn_backward needs (the step caches).
    """
    raise NotImplementedError("rnn.rnn_forward: see docs/rnn.md")


def rnn_backward(dhs: Array, cache: tuple) -> dict[str, Array]:
    """Backpropagation through time for rnn_forward.

        dh = dhs[t] + dh_prev from step t+1     (N, H), for t = T-1 down to 0
        step t's rnn_cell_backward(dh) gives dx[t], the dh_prev sent to step t-1, and weight terms
        dw = sum over t of the step terms        each weight is used at every step

    Args:
        dhs: (T, N, H) upstream gradients of every hidden state.
        cache: from rnn_forward.
    Returns:
        dict with "x" (T, N, D), "h0" (N, H), "w_ih" (H, D), "w_hh" (H, H), "b_ih" (H,), "b_hh" (H,).
    """
    raise NotImplementedError("rnn.rnn_backward: see docs/rnn.md")


def lstm_forward(x: Array, h0: Array, c0: Array, params: dict[str, Array]) -> tuple[Array, tuple]:
    """An LSTM over a sequence: ``h_t, c_t = lstm_cell(x[t], h_{t-1}, c_{t-1})`` for t = 1..T.

    Args:
        x: (T, N, D) inputs, time-major, T >= 1.
        h0, c0: (N, H) initial hidden and cell states.
        params: {"w_ih": (4H, D), "w_hh": (4H, H), "b_ih": (4H,), "b_hh": (4H,)}, gates i, f, g, o.
    Returns:
        hs: (T, N, H) every hidden state h_1 .. h_T (the output of torch's nn.LSTM).
        cache: what lstm_backward needs (the step caches).
    """
    raise NotImplementedError("rnn.lstm_forward: see docs/rnn.md")


def lstm_backward(dhs: Array, cache: tuple) -> dict[str, Array]:
    """Backpropagation through time for lstm_forward.

        dh = dhs[t] + dh_prev from step t+1,  dc = dc_prev from step t+1 (zero at t = T-1)
        step t's lstm_cell_backward(dh, dc) gives dx[t], dh_prev, dc_prev and the weight terms,
        summed over the T steps.

    Args:
        dhs: (T, N, H) upstream gradients of every hidden state.
        cache: from lstm_forward.
    Returns:
        dict with "x" (T, N, D), "h0" (N, H), "c0" (N, H), "w_ih" (4H, D), "w_hh" (4H, H),
        "b_ih" (4H,), "b_hh" (4H,).
    """
    raise NotImplementedError("rnn.lstm_backward: see docs/rnn.md")
