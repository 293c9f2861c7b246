"""The inputs ``fromscratch compare`` feeds a component, and the outputs it compares.

Each component has a scenario: a few *cases* (see :mod:`.session`), each
calling the exercise functions on small seeded inputs, forward and backward,
and recording what they return. The cases live in modules by part so that a
NumPy component never pays for importing torch:

- :mod:`.layers`: the Part 1 layers, losses, optimizers, data loader;
- :mod:`.networks`: Part 1 convolution, recurrent nets, attention, training;
- :mod:`.tensors` and :mod:`.tensor_training`: the Part 2 (torch) components.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from grader.components import CURRICULUM, component_named
from grader.learner.scenarios.session import Case, Session

HOMES = {
    **dict.fromkeys(("activations", "linear", "softmax", "gradcheck", "mlp", "optim", "dataloader", "dropout",
                     "normalization"), "layers"),
    **dict.fromkeys(("conv2d", "rnn", "attention", "training"), "networks"),
    **dict.fromkeys(("softmax_torch", "conv2d_torch", "dropout_torch", "rnn_torch", "attention_torch",
                     "dataloader_torch"), "tensors"),
    **dict.fromkeys(("mlp_torch", "optim_torch", "training_torch", "modules_torch", "gpu_timing"),
                    "tensor_training"),
}
assert set(HOMES) == {component.name for component in CURRICULUM}, "every component needs a scenario home"

_CASES: dict[str, dict[str, Case]] = {}


def case(component: str):
    """Register the decorated function as one case of ``component``'s scenario, named after it."""
    component_named(component)

    def register(function: Case) -> Case:
        _CASES.setdefault(component, {})[function.__name__] = function
        return function
    return register


def cases(component: str) -> dict[str, Case]:
    """``component``'s cases by name, in the order they run (importing their module on first use)."""
    component_named(component)
    importlib.import_module(f"{__name__}.{HOMES[component]}")
    return _CASES[component]


def run_scenario(component: str, module: ModuleType, *, seed: int, learner_folder=None) -> Session:
    """Every case of ``component`` against ``module``; ``learner_folder`` None means the reference."""
    session = Session(module, learner_folder)
    for name, function in cases(component).items():
        session.run_case(name, function, seed)
    return session
