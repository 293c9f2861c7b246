"""Public checks for normalization: fixed examples by hand, shapes, torch parity on small inputs."""

import numpy as np
import pytest

from grader.checks import assert_close, assert_shape
from grader.parity import assert_matches_torch

# Channel 0 is the classic sample with mean 5 and biased variance 4; channel 1 is ten times it.
SAMPLE = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
X = np.stack([SAMPLE, 10 * SAMPLE], axis=1)  # (N, C) = (8, 2)
X_HAT = np.array([-1.5, -0.5, -0.5, -0.5, 0.0, 0.0, 1.0, 2.0])  # (SAMPLE - 5) / 2, the same for both channels
GAMMA, BETA = np.array([2.0, -1.0]), np.array([0.5, 1.0])


def test_batchnorm_training_by_hand(normalization):
    out, _, running_mean, running_var = normalization.batchnorm_forward(
        X, GAMMA, BETA, np.zeros(2), np.ones(2), train=True, momentum=0.1, eps=0.0)
    shown = {"x": X, "gamma": GAMMA, "beta": BETA}
    assert_close(out, np.stack([2 * X_HAT + 0.5, -X_HAT + 1.0], axis=1), name="out of batchnorm_forward",
                 inputs=shown, cause="normalise each channel (column) with its batch mean and BIASED variance")
    assert_close(running_mean, [0.5, 5.0], name="next_running_mean of batchnorm_forward", inputs=shown,
                 cause="running_mean = 0.9 * running_mean + 0.1 * batch mean")
    # The unbiased variances are 4 * 8 / 7 and 400 * 8 / 7.
    assert_close(running_var, [0.9 + 0.1 * 32 / 7, 0.9 + 0.1 * 3200 / 7],
                 name="next_running_var of batchnorm_forward", inputs=shown,
                 cause="running_var = 0.9 * running_var + 0.1 * the UNBIASED batch variance (divide by m - 1)")


def test_batchnorm_eval_uses_the_running_statistics(normalization):
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    running_mean, running_var = np.array([1.0, 0.0]), np.array([4.0, 1.0])
    out, _, next_mean, next_var = normalization.batchnorm_forward(
        x, GAMMA, BETA, running_mean, running_var, train=False, eps=0.0)
    # (x - running_mean) / sqrt(running_var) = [[0, 2], [1, -1]], then * gamma + beta.
    assert_close(out, [[0.5, -1.0], [2.5, 2.0]], name="out of batchnorm_forward(train=False)", inputs={"x": x},
                 cause="in eval mode normalise with running_mean and running_var, not the batch's statistics")
    assert_close(next_mean, running_mean, name="next_running_mean in eval mode", cause="eval returns them unchanged")
    assert_close(next_var, running_var, name="next_running_var in eval mode", cause="eval returns them unchanged")


def test_layernorm_by_hand(normalization):
    x = np.array([[0.0, 4.0, 0.0, 4.0], [1.0, 1.0, 3.0, 3.0]])  # row means 2 and 2, variances 4 and 1
    gamma, beta = np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4)
    out, _ = normalization.layernorm_forward(x, gamma, beta, eps=0.0)
    assert_close(out, [[-1.0, 2.0, -3.0, 4.0], [-1.0, -2.0, 3.0, 4.0]], name="out of layernorm_forward",
                 inputs={"x": x}, cause="normalise each ROW (the last axis) with its mean and biased variance")


def test_shapes(normalization, rng):
    x = rng.standard_normal((2, 3, 4, 5))
    out, cache, mean, var = normalization.batchnorm_forward(x, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3))
    assert_shape(out, x.shape, name="out of batchnorm_forward")
    assert_shape(mean, (3,), name="next_running_mean of batchnorm_forward", cause="one statistic per channel C")
    dx, dgamma, dbeta = normalization.batchnorm_backward(np.ones_like(x), cache)
    assert_shape(dx, x.shape, name="dx of batchnorm_backward")
    assert_shape(dgamma, (3,), name="dgamma of batchnorm_backward", cause="sum over axes (0, 2, 3), not keepdims")
    assert_shape(dbeta, (3,), name="dbeta of batchnorm_backward", cause="sum over axes (0, 2, 3), not keepdims")
    out, cache = normalization.layernorm_forward(x, np.ones((4, 5)), np.zeros((4, 5)))
    assert_shape(out, x.shape, name="out of layernorm_forward")
    dx, dgamma, dbeta = normalization.layernorm_backward(np.ones_like(x), cache)
    assert_shape(dx, x.shape, name="dx of layernorm_backward")
    assert_shape(dgamma, (4, 5), name="dgamma of layernorm_backward", cause="sum over every leading axis")
    assert_shape(dbeta, (4, 5), name="dbeta of layernorm_backward", cause="sum over every leading axis")


@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
def test_batchnorm2d_matches_torch_on_a_small_input(normalization, rng, train):
    import torch

    x, dout = rng.standard_normal((2, 3, 2, 2)), rng.standard_normal((2, 3, 2, 2))
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    running_mean, running_var = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    out, cache, next_mean, next_var = normalization.batchnorm_forward(x, gamma, beta, running_mean, running_var,
                                                                      train=train)
    dx, dgamma, dbeta = normalization.batchnorm_backward(dout, cache)
    module = torch.nn.BatchNorm2d(3, dtype=torch.float64).train(train)
    with torch.no_grad():
        for tensor, value in [(module.weight, gamma), (module.bias, beta), (module.running_mean, running_mean),
                              (module.running_var, running_var)]:
            tensor.copy_(torch.from_numpy(value))
    assert_matches_torch(lambda x: module(x), {"x": x}, out=out, grads={"x": dx}, dout=dout,
                         forward="batchnorm_forward", backward="batchnorm_backward")
    assert_close(dgamma, module.weight.grad.numpy(), name="dgamma of batchnorm_backward")
    assert_close(dbeta, module.bias.grad.numpy(), name="dbeta of batchnorm_backward")
    assert_close(next_mean, module.running_mean.numpy(), name="next_running_mean of batchnorm_forward")
    assert_close(next_var, module.running_var.numpy(), name="next_running_var of batchnorm_forward",
                 cause="torch updates running_var with the UNBIASED batch variance")


def test_layernorm_matches_torch_on_a_small_input(normalization, rng):
    import torch

    x, dout = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 4))
    gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
    out, cache = normalization.layernorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = normalization.layernorm_backward(dout, cache)
    assert_matches_torch(lambda x, weight, bias: torch.nn.functional.layer_norm(x, (4,), weight, bias),
                         {"x": x, "weight": gamma, "bias": beta}, out=out,
                         grads={"x": dx, "weight": dgamma, "bias": dbeta}, dout=dout,
                         forward="layernorm_forward", backward="layernorm_backward")
