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


# What `fromscratch train` can train (docs/training.md); here so the command line can list them without NumPy.
TRAINING_TASKS = ("xor", "moons", "mlp", "cnn", "charlm")

# Part 2 learner code may not run anything from these packages (however it reaches them).
TORCH_LIBRARY_PACKAGES = ("torch.nn", "torch.optim", "torch.utils.data", "torch.utils.benchmark", "triton")


@dataclass(frozen=True)
class Forbidden:
    """What a Part 2 component's learner code may not reach, and what to do instead.

    ``calls`` are torch function and aten operator names (``conv2d``,
    ``convolution``, ``_softmax``): the guard in ``grader.torch_guard`` sees
    them at the torch-function and at the dispatcher level, so an alias
    (``torch.ops.aten.convolution``, ``torch._C._VariableFunctions.conv2d``)
    ends at the same name. ``packages`` are Python packages whose code may not
    run on behalf of the learner's functions.
    """

    calls: frozenset[str] = frozenset()
    instead: str = ""
    packages: tuple[str, ...] = TORCH_LIBRARY_PACKAGES


@dataclass(frozen=True)
class Component:
    name: str
    title: str
    forbidden: Forbidden | None = None  # set for Part 2 (torch) components; None means NumPy only

    @property
    def numpy_only(self) -> bool:
        """Part 1: the learner's module may use NumPy and the standard library only."""
        return self.forbidden is None

    @property
    def part(self) -> int:
        return 1 if self.numpy_only else 2

    @property
    def doc(self) -> str:
        return f"docs/{self.name}.md"

    @property
    def marker_help(self) -> str:
        return f"{self.name}: {self.title} (see {self.doc})"


PART_1: tuple[Component, ...] = (
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
    Component("training", "training loops on real data: XOR, an MNIST MLP and CNN, a character-level RNN"),
)

CONVOLUTION_OPS = frozenset({
    "conv1d", "conv2d", "conv3d", "convolution", "_convolution", "conv_transpose2d", "convolution_overrideable",
    "cudnn_convolution", "miopen_convolution", "mkldnn_convolution", "_slow_conv2d_forward", "thnn_conv2d",
    "_conv_depthwise2d", "slow_conv_dilated2d", "_nnpack_spatial_convolution", "conv_tbc",
    "max_pool2d", "max_pool2d_with_indices", "avg_pool2d", "adaptive_avg_pool2d", "_adaptive_avg_pool2d",
    "adaptive_max_pool2d", "mkldnn_max_pool2d", "quantized_max_pool2d", "fractional_max_pool2d",
})
SOFTMAX_OPS = frozenset({
    "softmax", "log_softmax", "_softmax", "_log_softmax", "_safe_softmax", "logsumexp", "cross_entropy",
    "cross_entropy_loss", "nll_loss", "nll_loss_nd", "nll_loss_forward", "nll_loss2d_forward",
})
LOSS_OPS = frozenset({"cross_entropy", "cross_entropy_loss", "nll_loss", "nll_loss_nd", "nll_loss_forward",
                      "linear", "addmm_activation"})
DROPOUT_OPS = frozenset({"dropout", "dropout_", "native_dropout", "feature_dropout", "feature_dropout_",
                         "alpha_dropout", "alpha_dropout_", "feature_alpha_dropout", "fused_dropout",
                         "_fused_dropout"})
RECURRENT_OPS = frozenset({"rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell", "rnn_tanh", "rnn_relu",
                           "lstm", "gru", "_thnn_fused_lstm_cell", "_thnn_fused_gru_cell", "_cudnn_rnn",
                           "miopen_rnn", "mkldnn_rnn_layer", "quantized_lstm_cell"})
ATTENTION_OPS = frozenset({
    "scaled_dot_product_attention", "_scaled_dot_product_attention_math", "_scaled_dot_product_flash_attention",
    "_scaled_dot_product_flash_attention_for_cpu", "_scaled_dot_product_efficient_attention",
    "_scaled_dot_product_cudnn_attention", "_scaled_dot_product_fused_attention_overrideable",
    "_efficient_attention_forward", "_flash_attention_forward", "_fused_sdp_choice",
    "_native_multi_head_attention", "multi_head_attention_forward", "_transformer_encoder_layer_fwd",
})
FUSED_OPTIMIZER_OPS = frozenset({"_fused_adam_", "_fused_adamw_", "_fused_sgd_", "_fused_adagrad_"})

PART_2: tuple[Component, ...] = (
    Component("softmax_torch", "softmax, log-softmax and cross-entropy on tensors, any device",
              Forbidden(SOFTMAX_OPS, "build them from exp, max, sum and log on tensors")),
    Component("mlp_torch", "a 784-128-10 network as four tensors: forward, loss, hand-written backward",
              Forbidden(LOSS_OPS, "write the affine maps as x @ w + b and the loss from log-sum-exp")),
    Component("optim_torch", "SGD, momentum, Adam and AdamW updating tensors in place under no_grad",
              Forbidden(FUSED_OPTIMIZER_OPS, "update each tensor yourself under torch.no_grad()")),
    Component("dataloader_torch", "shuffled mini-batches over tensors with a torch.Generator, device transfer",
              Forbidden(frozenset(), "slice the tensors with a permutation from torch.randperm")),
    Component("training_torch", "the MNIST MLP trained on any device with your own Part 2 pieces and autograd",
              Forbidden(LOSS_OPS | FUSED_OPTIMIZER_OPS,
                        "train with your mlp_torch, optim_torch, dataloader_torch and softmax_torch functions")),
    Component("modules_torch", "Module, Linear and Sequential with state dicts compatible with torch.nn",
              Forbidden(frozenset({"linear", "bilinear"}), "keep parameters as tensors in your own classes")),
    Component("conv2d_torch", "convolution through unfold and a matrix product; pooling; any device",
              Forbidden(CONVOLUTION_OPS, "build the convolution from Tensor.unfold (or as_strided) and a matmul")),
    Component("dropout_torch", "inverted dropout on tensors with a torch.Generator",
              Forbidden(DROPOUT_OPS, "draw the mask with torch.rand(..., generator=...) and scale by 1/(1-p)")),
    Component("rnn_torch", "RNN and LSTM cells in torch's weight layout, unrolled over time",
              Forbidden(RECURRENT_OPS, "write the gate equations with matmuls, sigmoid and tanh")),
    Component("attention_torch", "scaled dot-product and multi-head attention in nn.MultiheadAttention's layout",
              Forbidden(ATTENTION_OPS, "compute softmax(q k^T / sqrt(d)) v with matmuls")),
    Component("gpu_timing", "timing GPU work: warm-up, synchronisation, CUDA events, medians; a CPU/GPU sweep",
              Forbidden(frozenset({"do_bench"}), "time with torch.cuda.Event and time.perf_counter yourself")),
)

CURRICULUM: tuple[Component, ...] = PART_1 + PART_2

BY_NAME: dict[str, Component] = {component.name: component for component in CURRICULUM}


def component_named(name: str) -> Component:
    """The component called ``name``, or a ValueError that lists the valid names."""
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(BY_NAME)
        raise ValueError(f"no component named {name!r}; the components are: {known}") from None
