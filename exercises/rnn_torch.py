# Exercise generated from solutions/rnn_torch.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m rnn_torch`.
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
    raise NotImplementedError("rnn_torch._check_shapes: see docs/rnn_torch.md")


def _affine(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None, b_hh: Tensor | None) -> Tensor:
    """``x @ w_ih.T + b_ih + h @ w_hh.T + b_hh``: (N, D), (N, H) -> (N, G*H)."""
    raise NotImplementedError("rnn_torch._affine: see docs/rnn_torch.md")


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
    raise NotImplementedError("rnn_torch.rnn_cell: see docs/rnn_torch.md")


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
    raise NotImplementedError("rnn_torch.lstm_cell: see docs/rnn_torch.md")


def _check_sequence(name: str, xs: Tensor) -> None:
    """Raise ValueError unless xs is (T, N, D) with T >= 1."""
    raise NotImplementedError("rnn_torch._check_sequence: see docs/rnn_torch.md")


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
    raise NotImplementedError("rnn_torch.rnn: see docs/rnn_torch.md")


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
    raise NotImplementedError("rnn_torch.lstm: see docs/rnn_torch.md")
