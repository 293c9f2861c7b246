"""The curriculum: every component of the kit, in the order a learner meets them.

A component has the same name everywhere: ``solutions/<name>.py``,
``exercises/<name>.py``, ``tests/public/test_<name>.py``,
``tests/hidden/test_<name>.py``, ``docs/<name>.md`` and the pytest marker
``<name>``. Adding a component means adding those five files and one entry
here; ``tests/kit/test_layout.py`` fails until all of them exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Component:
    name: str
    title: str
    numpy_only: bool = True  # Part 1: the learner's module may use NumPy and the standard library only

    @property
    def doc(self) -> str:
        return f"docs/{self.name}.md"

    @property
    def marker_help(self) -> str:
        return f"{self.name}: {self.title} (see {self.doc})"


CURRICULUM: tuple[Component, ...] = (
    Component("activations", "ReLU, leaky ReLU, sigmoid and tanh, forward and backward"),
    Component("linear", "affine layer forward/backward, Kaiming and Xavier initialisation"),
    Component("softmax", "stable softmax, log-softmax, cross-entropy and MSE losses"),
    Component("gradcheck", "numerical gradients by central differences, relative error"),
    Component("mlp", "a multilayer perceptron with backprop through every layer"),
    Component("optim", "SGD, momentum, Nesterov, RMSprop, Adam and AdamW as functional update rules"),
    Component("dataloader", "mini-batches over array datasets: shuffling, drop_last, collation"),
    Component("dropout", "inverted dropout with an explicit random generator"),
    Component("normalization", "batch norm and layer norm, forward and backward"),
    Component("conv2d", "convolution with stride, padding and dilation; max and average pooling"),
    Component("rnn", "RNN and LSTM cells, backpropagation through time"),
    Component("attention", "scaled dot-product and multi-head attention, positional encoding"),
)

BY_NAME: dict[str, Component] = {component.name: component for component in CURRICULUM}


def component_named(name: str) -> Component:
    """The component called ``name``, or a ValueError that lists the valid names."""
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(BY_NAME)
        raise ValueError(f"no component named {name!r}; the components are: {known}") from None
