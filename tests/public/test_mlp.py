"""Public checks for mlp: init shapes, a network computed by hand, gradient layout, torch parity, predictions."""

import numpy as np

from grader.checks import assert_close, assert_shape
from grader.parity import assert_matches_torch

# A 2-2-2 ReLU network: layer 0 maps 2 features to 2 hidden units, layer 1 maps them to 2 classes.
PARAMS = {
    "w0": np.array([[1.0, -1.0], [0.0, 1.0]]), "b0": np.array([0.0, -1.0]),
    "w1": np.array([[1.0, 2.0], [-1.0, 1.0]]), "b1": np.array([0.5, 0.0]),
}
X = np.array([[2.0, 1.0], [-1.0, 3.0]])
LABELS = np.array([1, 0])


def test_init_shapes_and_zero_biases(mlp):
    params = mlp.init_mlp([4, 5, 3], np.random.default_rng(0))
    assert sorted(params) == ["b0", "b1", "w0", "w1"], \
        f"init_mlp returned keys {sorted(params)}, expected w0, b0, w1, b1"
    for key, shape in [("w0", (4, 5)), ("b0", (5,)), ("w1", (5, 3)), ("b1", (3,))]:
        assert_shape(params[key], shape, name=f"{key} of init_mlp",
                     cause="w_i is (sizes[i], sizes[i+1]) and b_i is (sizes[i+1],)")
    assert_close(params["b0"], np.zeros(5), name="b0 of init_mlp", rtol=0, atol=0, cause="biases start at 0")


def test_forward_fixed_values(mlp):
    scores, _ = mlp.mlp_forward(PARAMS, X, "relu")
    # row 0: z0 = [2, -2], h = relu(z0) = [2, 0], scores = h @ w1 + b1 = [2.5, 4]
    # row 1: z0 = [-1, 3], h = [0, 3], scores = [-3 + 0.5, 3] = [-2.5, 3]   (no ReLU on the scores)
    assert_close(scores, [[2.5, 4.0], [-2.5, 3.0]], name="scores of mlp_forward", inputs={"x": X, **PARAMS},
                 cause="relu between the layers, none after the last one")


def test_gradients_have_the_keys_and_shapes_of_params(mlp):
    loss, grads = mlp.mlp_loss(PARAMS, X, LABELS, "relu")
    assert isinstance(loss, float), f"mlp_loss returned a loss of type {type(loss).__name__}, expected a float"
    assert sorted(grads) == sorted(PARAMS), \
        f"mlp_loss returned gradients keyed {sorted(grads)}, expected the keys of params {sorted(PARAMS)}"
    for key, value in PARAMS.items():
        assert_shape(grads[key], value.shape, name=f"d{key} of mlp_loss",
                     cause=f"grads[{key!r}] has the shape of params[{key!r}]")


def test_loss_fixed_value(mlp):
    loss, _ = mlp.mlp_loss(PARAMS, X, LABELS, "relu")
    # scores [[2.5, 4], [-2.5, 3]]: -mean(log_softmax[0, 1], log_softmax[1, 0])
    expected = (np.log1p(np.exp(-1.5)) + 5.5 + np.log1p(np.exp(-5.5))) / 2
    assert_close(loss, expected, name="loss of mlp_loss", inputs={"x": X, **PARAMS},
                 cause="loss = cross_entropy_forward(scores, labels), the mean over the rows")


def test_matches_torch_on_a_small_network(mlp, rng):
    import torch

    sizes = [4, 5, 3]
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"w{i}"], params[f"b{i}"] = rng.standard_normal((fan_in, fan_out)), rng.standard_normal(fan_out)
    x, labels = rng.standard_normal((3, 4)), np.array([0, 2, 1])
    loss, grads = mlp.mlp_loss(params, x, labels, "tanh")

    def network(x, labels, w0, b0, w1, b1):
        return torch.nn.functional.cross_entropy(torch.tanh(x @ w0 + b0) @ w1 + b1, labels)

    assert_matches_torch(network, {"x": x, "labels": labels, **params}, out=loss, grads=grads,
                         forward="mlp_loss", causes={"out": "tanh between the layers, cross-entropy on the scores",
                                                     "w0": "backprop through tanh before layer 0's linear_backward"})


def test_predictions_are_the_argmax_of_the_scores(mlp):
    predictions = mlp.mlp_predict(PARAMS, X, "relu")
    assert_close(predictions, [1, 1], name="mlp_predict", rtol=0, atol=0,
                 cause="the index of the largest score in each row: scores.argmax(axis=1)")
