"""RNN and LSTM cells on torch tensors, in torch's weight layout, unrolled over time.

Part 2 rebuilds Part 1's ``rnn`` with raw tensors. The parameters are exactly
``nn.RNNCell`` / ``nn.LSTMCell`` (and a single-layer ``nn.RNN`` / ``nn.LSTM``,
``batch_first=False``) store them, so a state dict moves between the two::

    h = rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh)            x (N, D), h (N, H); w_ih (H, D), w_hh (H, H), b (H,)
    h, c = lstm_cell(x, (h, c), w_ih, w_hh, b_ih, b_hh)   w_ih (4H, D), w_hh (4H, H), b (4H,); gates i, f, g, o
    outputs, h_T = rnn(xs, h0, w_ih, w_hh, b_ih, b_hh)    xs (T, N, D) -> outputs (T, N, H), h_T (N, H)
    outputs, (h_T, c_T) = lstm(xs, (h0, c0), w_ih, ...)   the same, with the cell state carried too

Weights are (out, in), so each product is ``x @ w_ih.T``. Autograd does the
backpropagation through time: keep every step in the graph (no ``.detach()``,
no ``.item()``; collect the steps in a list and ``torch.stack`` them) and the
gradient of a late output reaches the first input by itself.

No ``torch.lstm_cell``, ``torch.rnn_tanh``, ``torch.lstm`` or anything from
``torch.nn``: write the gate equations with matmuls, ``sigmoid`` and ``tanh``.
A missing initial state is zeros made with ``xs.new_zeros``: same device and
dtype as the inputs.
"""

from __future__ import annotations

import torch
from torch import Tensor

NONLINEARITIES = ("tanh", "relu")


def _check_shapes(name: str, x: Tensor, h: Tensor | None, w_ih: Tensor, w_hh: Tensor,
                  b_ih: Tensor | None, b_hh: Tensor | None, gates: int) -> None:
    """Raise ValueError unless x (N, D), h (N, H), w_ih (G*H, D), w_hh (G*H, H), b_* (G*H,) agree."""
    # BEGIN SOLUTION
    if x.dim() != 2:
        raise ValueError(f"{name}: x must be (N, D), got shape {tuple(x.shape)}")
    if w_hh.dim() != 2 or w_hh.shape[0] % gates or w_hh.shape[0] != gates * w_hh.shape[1]:
        raise ValueError(f"{name}: w_hh must be ({gates}H, H), got shape {tuple(w_hh.shape)}")
    hidden = w_hh.shape[1]
    if w_ih.shape != (gates * hidden, x.shape[1]):
        raise ValueError(f"{name}: w_ih must be ({gates * hidden}, {x.shape[1]}), got {tuple(w_ih.shape)}")
    for bias_name, bias in (("b_ih", b_ih), ("b_hh", b_hh)):
        if bias is not None and bias.shape != (gates * hidden,):
            raise ValueError(f"{name}: {bias_name} must be ({gates * hidden},), got {tuple(bias.shape)}")
    if h is not None and h.shape != (x.shape[0], hidden):
        raise ValueError(f"{name}: state must be ({x.shape[0]}, {hidden}), got {tuple(h.shape)}")
    # END SOLUTION


def _affine(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None, b_hh: Tensor | None) -> Tensor:
    """``x @ w_ih.T + b_ih + h @ w_hh.T + b_hh``: (N, D), (N, H) -> (N, G*H)."""
    # BEGIN SOLUTION
    a = x @ w_ih.T + h @ w_hh.T
    if b_ih is not None:
        a = a + b_ih
    if b_hh is not None:
        a = a + b_hh
    return a
    # END SOLUTION


def rnn_cell(x: Tensor, h: Tensor | None, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None, nonlinearity: str = "tanh") -> Tensor:
    """One Elman step, as ``nn.RNNCell``: ``h' = act(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)``.

    Args:
        x: (N, D) this step's inputs.
        h: (N, H) previous hidden state, or None for zeros (x's device and dtype).
        w_ih: (H, D); w_hh: (H, H); b_ih, b_hh: (H,) or None.
        nonlinearity: "tanh" or "relu".
    Returns:
        h': (N, H), x's dtype and device.
    Raises:
        ValueError: for shapes that disagree or an unknown nonlinearity.
    """
    # BEGIN SOLUTION
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    _check_shapes("rnn_cell", x, h, w_ih, w_hh, b_ih, b_hh, gates=1)
    if h is None:
        h = x.new_zeros(x.shape[0], w_hh.shape[1])
    a = _affine(x, h, w_ih, w_hh, b_ih, b_hh)
    return a.tanh() if nonlinearity == "tanh" else a.relu()
    # END SOLUTION


def lstm_cell(x: Tensor, state: tuple[Tensor, Tensor] | None, w_ih: Tensor, w_hh: Tensor,
              b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """One LSTM step, as ``nn.LSTMCell``, gates stacked i, f, g, o along the rows of the weights::

        a = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh          (N, 4H), split into four (N, H) blocks
        i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o);  g = tanh(a_g)
        c' = f * c + i * g;  h' = o * tanh(c')

    Args:
        x: (N, D) this step's inputs.
        state: (h, c), each (N, H), or None for zeros.
        w_ih: (4H, D); w_hh: (4H, H); b_ih, b_hh: (4H,) or None.
    Returns:
        (h', c'): each (N, H), x's dtype and device.
    Raises:
        ValueError: for shapes that disagree.
    """
    # BEGIN SOLUTION
    h, c = (None, None) if state is None else state
    _check_shapes("lstm_cell", x, h, w_ih, w_hh, b_ih, b_hh, gates=4)
    if c is not None and h is not None and c.shape != h.shape:
        raise ValueError(f"lstm_cell: c must have h's shape {tuple(h.shape)}, got {tuple(c.shape)}")
    if h is None:
        h = c = x.new_zeros(x.shape[0], w_hh.shape[1])
    a_i, a_f, a_g, a_o = _affine(x, h, w_ih, w_hh, b_ih, b_hh).chunk(4, dim=1)
    c_next = a_f.sigmoid() * c + a_i.sigmoid() * a_g.tanh()
    return a_o.sigmoid() * c_next.tanh(), c_next
    # END SOLUTION


def _check_sequence(name: str, xs: Tensor) -> None:
    """Raise ValueError unless xs is (T, N, D) with T >= 1."""
    # BEGIN SOLUTION
    if xs.dim() != 3 or xs.shape[0] == 0:
        raise ValueError(f"{name}: xs must be (T, N, D) with T >= 1, got shape {tuple(xs.shape)}")
    # END SOLUTION


def rnn(xs: Tensor, h0: Tensor | None, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
        b_hh: Tensor | None = None, nonlinearity: str = "tanh") -> tuple[Tensor, Tensor]:
    """``rnn_cell`` applied at t = 0 .. T-1, carrying h, as a single-layer ``nn.RNN`` (time-major).

    Args:
        xs: (T, N, D) inputs; h0: (N, H) or None for zeros.
        w_ih, w_hh, b_ih, b_hh, nonlinearity: as for ``rnn_cell``.
    Returns:
        (outputs, h_T): outputs (T, N, H) holds h_1 .. h_T (not h0); h_T (N, H) is outputs[-1].
    Raises:
        ValueError: for xs not (T, N, D) or shapes that disagree.
    """
    # BEGIN SOLUTION
    _check_sequence("rnn", xs)
    h = h0
    outputs = []
    for x in xs:
        h = rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity)
        outputs.append(h)
    return torch.stack(outputs), h
    # END SOLUTION


def lstm(xs: Tensor, state0: tuple[Tensor, Tensor] | None, w_ih: Tensor, w_hh: Tensor,
         b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """``lstm_cell`` applied at t = 0 .. T-1, carrying (h, c), as a single-layer ``nn.LSTM`` (time-major).

    Args:
        xs: (T, N, D) inputs; state0: (h0, c0), each (N, H), or None for zeros.
        w_ih, w_hh, b_ih, b_hh: as for ``lstm_cell``.
    Returns:
        (outputs, (h_T, c_T)): outputs (T, N, H) holds h_1 .. h_T; h_T and c_T are (N, H).
    Raises:
        ValueError: for xs not (T, N, D) or shapes that disagree.
    """
    # BEGIN SOLUTION
    _check_sequence("lstm", xs)
    state = state0
    outputs = []
    for x in xs:
        state = lstm_cell(x, state, w_ih, w_hh, b_ih, b_hh)
        outputs.append(state[0])
    return torch.stack(outputs), state
    # END SOLUTION
