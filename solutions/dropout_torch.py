"""Inverted dropout on torch tensors, its mask drawn from an explicit ``torch.Generator``.

Part 2 rebuilds Part 1's ``dropout`` with raw tensors: autograd writes the
backward pass, and one implementation runs wherever its inputs live::

    out = dropout(x, p, training=True, generator=None)      x: (...) floating; out: same shape, dtype, device

p is the probability of DROPPING an element (torch's convention). In training,
with 0 < p < 1, the mask is drawn exactly as::

    keep = torch.rand(x.shape, generator=generator, device=x.device, dtype=x.dtype) >= p
    out = x * keep / (1 - p)

so that the same generator seed gives the same mask, and ``E[out] = x``. The
generator must live on x's device (``torch.Generator(device=x.device)``);
``generator=None`` draws from torch's default generator of that device. With
``training=False`` or ``p == 0`` the result is ``x`` itself (the same object,
as torch does) and nothing is drawn; with ``p == 1`` it is zeros, nothing drawn.

No ``torch.nn.functional.dropout``, ``torch.dropout``, ``torch.native_dropout``
or anything from ``torch.nn``: draw the mask with ``torch.rand``.
"""

from __future__ import annotations

import torch
from torch import Tensor


def dropout(x: Tensor, p: float, *, training: bool = True, generator: torch.Generator | None = None) -> Tensor:
    """Inverted dropout: ``out = x * keep / (1 - p)``, ``keep = rand(x.shape) >= p``, in training.

    The mask, for 0 < p < 1 in training: ``torch.rand(x.shape, generator=generator,
    device=x.device, dtype=x.dtype) >= p``, one draw of x.numel() numbers from the
    generator's current state (True, kept, with probability 1 - p). Kept elements
    become ``x / (1 - p)``, the others 0, and autograd gives ``d out / d x = keep / (1 - p)``.

    Args:
        x: (...) any floating tensor, any device.
        p: drop probability, a number in [0, 1].
        training: False for evaluation: the identity.
        generator: a torch.Generator on x's device, or None for torch's default one.
    Returns:
        (...) same shape, dtype and device as x. ``x`` itself (the same object, nothing drawn)
        when training is False or p == 0; zeros (nothing drawn, zero gradient) when p == 1.
    Raises:
        ValueError: p outside [0, 1], or x not floating point.
    """
    # BEGIN SOLUTION
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability p must lie in [0, 1], got {p}")
    if not x.is_floating_point():
        raise ValueError(f"dropout needs a floating tensor, got {x.dtype}")
    if not training or p == 0:
        return x
    if p == 1:
        return x * x.new_zeros(())
    keep = torch.rand(x.shape, generator=generator, device=x.device, dtype=x.dtype) >= p
    return x * keep * (1.0 / (1.0 - p))
    # END SOLUTION
