"""Hidden checks for mlp: torch parity, numerical gradients of the whole network, init, layout, validation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_close, assert_dtype, assert_gradient, assert_raises, assert_shape

ACTIVATIONS = ["relu", "leaky_relu", "sigmoid", "tanh"]
LAST_LAYER = "no activation after the last layer: the scores are the raw output of the last affine layer"
CAUSES = {
    "loss": "loss = cross_entropy_forward(scores, labels): the mean over the batch; " + LAST_LAYER,
    "scores": "h = act(h @ w_i + b_i) for every layer but the last; " + LAST_LAYER,
    "w": "walk the layers in reverse: dz = act_backward(dh) (except for the last layer), then "
         "dh, grads[w_i], grads[b_i] = linear_backward(dz) with layer i's own caches",
    "b": "grads[b_i] is the db of layer i's linear_backward; every bias needs its gradient",
}


def cause_of(key):
    return CAUSES[key[0]]


def keys_of(layers):
    return [f"{kind}{i}" for i in range(layers) for kind in "wb"]


def random_params(rng, sizes, scale=1.0):
    """Params drawn by the test itself (not by init_mlp), with non-zero biases."""
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"w{i}"] = rng.standard_normal((fan_in, fan_out)) * scale / np.sqrt(fan_in)
        params[f"b{i}"] = rng.standard_normal(fan_out) * 0.5
    return params


def assert_same_keys(grads, params, function):
    assert isinstance(grads, dict), f"{function} returned {type(grads).__name__}, expected a dict of gradients"
    assert set(grads) == set(params), (
        f"{function} returned gradients keyed {sorted(grads)}, expected the keys of params {sorted(params)}: "
        "an optimizer pairs grads[key] with params[key], so use the same names (w0, b0, ...)"
    )


def torch_reference(params, x, labels, activation):
    """Scores, loss and gradients of an nn.Sequential of Flatten, Linear and activation modules."""
    import torch
    from torch import nn

    modules = {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01), "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}
    layers = len(params) // 2
    stack, linears = [nn.Flatten()], []
    for i in range(layers):
        w, b = params[f"w{i}"], params[f"b{i}"]
        linear = nn.Linear(*w.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(w.T))  # torch stores (out_features, in_features)
            linear.bias.copy_(torch.tensor(b))
        stack.append(linear)
        linears.append(linear)
        if i < layers - 1:
            stack.append(modules[activation]())
    scores = nn.Sequential(*stack)(torch.tensor(x))
    loss = nn.functional.cross_entropy(scores, torch.tensor(labels))
    loss.backward()
    grads = {}
    for i, linear in enumerate(linears):
        grads[f"w{i}"] = linear.weight.grad.numpy().T
        grads[f"b{i}"] = linear.bias.grad.numpy()
    return scores.detach().numpy(), loss.item(), grads


@st.composite
def networks(draw, max_hidden=3):
    """(params, x, labels): 1 to max_hidden hidden layers, widths up to 5, x possibly multi-axis."""
    batch = draw(st.integers(1, 4))
    feature_shape = draw(gs.shapes(min_dims=1, max_dims=2, max_side=4))
    hidden = draw(st.lists(st.integers(1, 5), min_size=1, max_size=max_hidden))
    classes = draw(st.integers(2, 5))
    sizes = [int(np.prod(feature_shape)), *hidden, classes]
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"w{i}"] = draw(gs.float_arrays((fan_in, fan_out), bound=2.0), label=f"w{i}")
        params[f"b{i}"] = draw(gs.float_arrays((fan_out,), bound=2.0), label=f"b{i}")
    x = draw(gs.float_arrays((batch, *feature_shape), bound=3.0), label="x")
    return params, x, draw(gs.labels(batch, classes), label="labels")


@pytest.mark.parametrize("activation", ACTIVATIONS)
@given(network=networks())
def test_matches_torch_sequential_in_float64(mlp, activation, network):
    params, x, labels = network
    scores, _ = mlp.mlp_forward(params, x, activation)
    loss, grads = mlp.mlp_loss(params, x, labels, activation)
    expected_scores, expected_loss, expected_grads = torch_reference(params, x, labels, activation)
    shown = {"x": x, **params, "labels": labels}
    assert_close(scores, expected_scores, name=f"scores of mlp_forward ({activation})", inputs=shown,
                 cause=CAUSES["scores"])
    assert_close(loss, expected_loss, name=f"loss of mlp_loss ({activation})", inputs=shown, cause=CAUSES["loss"])
    assert_same_keys(grads, params, "mlp_loss")
    for key in params:
        assert_close(grads[key], expected_grads[key], name=f"d{key} of mlp_loss ({activation})", inputs=shown,
                     cause=cause_of(key))


NUMERICAL_SIZES = [[4, 5, 3], [3, 4, 4, 2]]


def kink_free(rng, sizes, activation, batch=3):
    """A tiny network and batch whose pre-activations all stay at least 1e-3 away from 0.

    ReLU and leaky ReLU have a kink at 0 where the numerical gradient is meaningless;
    the smooth activations take the first draw.
    """
    for _ in range(100):
        params, x = random_params(rng, sizes), rng.standard_normal((batch, sizes[0]))
        hidden, margin = x, np.inf
        for i in range(len(sizes) - 2):
            hidden = hidden @ params[f"w{i}"] + params[f"b{i}"]
            margin = min(margin, np.abs(hidden).min())
            hidden = np.maximum(hidden, 0.01 * hidden)  # leaky: the sign pattern is what matters
        if activation not in ("relu", "leaky_relu") or margin > 1e-3:
            return params, x, rng.integers(0, sizes[-1], batch)
    raise AssertionError("no kink-free network in 100 draws")  # pragma: no cover


@pytest.mark.parametrize("sizes", NUMERICAL_SIZES, ids=lambda sizes: "-".join(map(str, sizes)))
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_loss_gradients_match_numerical_gradients(mlp, rng, activation, sizes):
    params, x, labels = kink_free(rng, sizes, activation)
    loss, grads = mlp.mlp_loss(params, x, labels, activation)
    assert_same_keys(grads, params, "mlp_loss")
    for key in params:
        assert_gradient(grads[key], lambda v, key=key: mlp.mlp_loss({**params, key: v}, x, labels, activation)[0],
                        params[key], name=f"d{key} of mlp_loss ({activation})", inputs={"x": x, **params},
                        cause=cause_of(key) + "; dscores = cross_entropy_backward(1.0, cache), not the loss")


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backward_matches_numerical_gradients_for_any_dscores(mlp, rng, activation):
    sizes = [4, 5, 3]
    params, x, _ = kink_free(rng, sizes, activation)
    dscores = rng.standard_normal((3, sizes[-1]))
    _, cache = mlp.mlp_forward(params, x, activation)
    grads = mlp.mlp_backward(dscores, cache)
    assert_same_keys(grads, params, "mlp_backward")
    for key in params:
        assert_gradient(grads[key], lambda v, key=key: mlp.mlp_forward({**params, key: v}, x, activation)[0],
                        params[key], dout=dscores, name=f"d{key} of mlp_backward ({activation})",
                        inputs={"x": x, **params, "dscores": dscores}, cause=cause_of(key))


@pytest.mark.parametrize("hidden", [[5], [4, 3], [3, 6, 2], [2, 2, 2, 2]])
def test_gradients_have_the_keys_shapes_and_dtype_of_params(mlp, rng, hidden):
    sizes = [6, *hidden, 3]
    params = random_params(rng, sizes)
    _, grads = mlp.mlp_loss(params, rng.standard_normal((4, 6)), np.array([0, 1, 2, 0]))
    assert_same_keys(grads, params, "mlp_loss")
    for key, value in params.items():
        assert_shape(grads[key], value.shape, name=f"d{key} of mlp_loss",
                     cause=f"grads[{key!r}] must have the shape of params[{key!r}]; " + cause_of(key))
        assert_dtype(grads[key], value.dtype, name=f"d{key} of mlp_loss")


def test_one_layer_is_a_linear_classifier(mlp, rng):
    params = random_params(rng, [5, 4])
    x, labels = rng.standard_normal((6, 5)) * 3, np.array([0, 1, 2, 3, 3, 1])
    scores, _ = mlp.mlp_forward(params, x, "relu")
    assert_close(scores, x @ params["w0"] + params["b0"], name="scores of mlp_forward (sizes [5, 4])",
                 inputs={"x": x, **params}, cause=LAST_LAYER + " (with one layer there is no activation at all)")
    assert (scores < 0).any(), "the test's scores should include negative values"


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_multi_axis_inputs_are_flattened(mlp, rng, activation):
    params = random_params(rng, [12, 5, 3])
    x, labels = rng.standard_normal((4, 3, 2, 2)), np.array([2, 0, 1, 1])
    loss, grads = mlp.mlp_loss(params, x, labels, activation)
    flat_loss, flat_grads = mlp.mlp_loss(params, x.reshape(4, 12), labels, activation)
    cause = "x of shape (N, d_1, ..., d_k) has D = d_1 * ... * d_k features: linear_forward flattens it"
    assert_close(loss, flat_loss, name="loss of mlp_loss for x (4, 3, 2, 2)", cause=cause)
    assert_same_keys(grads, params, "mlp_loss")
    for key in params:
        assert_close(grads[key], flat_grads[key], name=f"d{key} of mlp_loss for x (4, 3, 2, 2)", cause=cause)


def test_layers_follow_the_key_numbers_not_the_dict_order(mlp, rng):
    params = random_params(rng, [3, 4, 4, 2])
    x, labels = rng.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    shuffled = {key: params[key] for key in ["b2", "w1", "b0", "w2", "b1", "w0"]}
    loss, grads = mlp.mlp_loss(params, x, labels, "tanh")
    shuffled_loss, shuffled_grads = mlp.mlp_loss(shuffled, x, labels, "tanh")
    cause = "take layer i from params[f'w{i}'] and params[f'b{i}'], for i in range(len(params) // 2)"
    assert_close(shuffled_loss, loss, name="loss of mlp_loss with params in another dict order", cause=cause)
    assert_same_keys(shuffled_grads, params, "mlp_loss")
    for key in params:
        assert_close(shuffled_grads[key], grads[key], name=f"d{key} of mlp_loss with params in another order",
                     cause=cause)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_predictions_are_the_argmax_of_the_scores(mlp, rng, activation):
    params = random_params(rng, [4, 6, 5], scale=3.0)
    x = rng.standard_normal((7, 4))
    scores, _ = mlp.mlp_forward(params, x, activation)
    predictions = mlp.mlp_predict(params, x, activation)
    assert_shape(predictions, (7,), name="mlp_predict", cause="one class per row: argmax over axis 1")
    assert np.issubdtype(np.asarray(predictions).dtype, np.integer), \
        f"mlp_predict returned dtype {np.asarray(predictions).dtype}, expected integers (class indices)"
    assert_close(predictions, scores.argmax(axis=1), name="mlp_predict", rtol=0, atol=0,
                 cause="predictions = scores.argmax(axis=1): the class with the largest score in each row")


def test_gradient_descent_fits_xor(mlp):
    rng = np.random.default_rng(0)
    params = random_params(rng, [2, 8, 2], scale=1.5)
    x, labels = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 1, 1, 0])
    for _ in range(500):
        loss, grads = mlp.mlp_loss(params, x, labels, "tanh")
        params = {key: value - 0.5 * grads[key] for key, value in params.items()}
    assert loss < 0.05, f"500 steps of gradient descent on XOR left the loss at {loss:.4f}, expected < 0.05"
    assert_close(mlp.mlp_predict(params, x, "tanh"), labels, name="mlp_predict after training on XOR",
                 rtol=0, atol=0, cause="the gradients do not lead downhill: check them against torch")


INIT_SIZES = [[400, 300, 200, 10], [64, 500, 3]]


@pytest.mark.parametrize("sizes", INIT_SIZES, ids=lambda sizes: "-".join(map(str, sizes)))
def test_init_shapes_zero_biases_and_kaiming_scale(mlp, sizes):
    params = mlp.init_mlp(sizes, np.random.default_rng(3))
    layers = len(sizes) - 1
    assert set(params) == set(keys_of(layers)), \
        f"init_mlp({sizes}) returned keys {sorted(params)}, expected {keys_of(layers)}"
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        w, b = params[f"w{i}"], params[f"b{i}"]
        assert_shape(w, (fan_in, fan_out), name=f"w{i} of init_mlp",
                     cause="w_i is (sizes[i], sizes[i+1]): in_features x out_features, the transpose of torch's")
        assert_close(b, np.zeros(fan_out), name=f"b{i} of init_mlp", rtol=0, atol=0, cause="biases start at 0")
        # Five standard errors of the sample std: a correct init fails about once in two million runs.
        assert_close(w.std(), np.sqrt(2 / fan_in), name=f"std of w{i} of init_mlp", rtol=5 / np.sqrt(2 * w.size),
                     cause="w_i = kaiming_normal(sizes[i], sizes[i+1], rng): std sqrt(2 / fan_in)")


def test_init_draws_every_layer_from_the_given_rng_in_order(mlp):
    sizes = [5, 4, 3, 2]
    first = mlp.init_mlp(sizes, np.random.default_rng(11))
    again = mlp.init_mlp(sizes, np.random.default_rng(11))
    other = mlp.init_mlp(sizes, np.random.default_rng(12))
    cause = "draw every weight with kaiming_normal(sizes[i], sizes[i+1], rng), layer 0 first; never np.random.*"
    stream = np.random.default_rng(11)
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        expected = stream.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)
        assert_close(first[f"w{i}"], expected, name=f"w{i} of init_mlp(rng=default_rng(11))", cause=cause)
        assert_close(again[f"w{i}"], first[f"w{i}"], name=f"w{i} of init_mlp with the same seed twice",
                     rtol=0, atol=0, cause=cause)
    assert not np.allclose(other["w0"], first["w0"]), f"init_mlp gave the same w0 for two different seeds; {cause}"


def test_float32_stays_float32(mlp):
    params = mlp.init_mlp([6, 5, 4, 3], np.random.default_rng(0), dtype=np.float32)
    for key, value in params.items():
        assert_dtype(value, np.float32, name=f"{key} of init_mlp(dtype=float32)",
                     cause="pass dtype to kaiming_normal and to np.zeros(..., dtype=dtype)")
    x = np.random.default_rng(1).standard_normal((4, 6)).astype(np.float32)
    scores, _ = mlp.mlp_forward(params, x, "tanh")
    assert_dtype(scores, np.float32, name="scores of mlp_forward (float32)")
    _, grads = mlp.mlp_loss(params, x, np.array([0, 1, 2, 0]), "tanh")
    assert_same_keys(grads, params, "mlp_loss")
    for key in params:
        assert_dtype(grads[key], np.float32, name=f"d{key} of mlp_loss (float32)")


def test_inputs_and_params_are_not_modified(mlp, rng):
    params = random_params(rng, [6, 5, 3])
    x, labels = rng.standard_normal((4, 2, 3)), np.array([0, 2, 1, 2])
    before = {"x": x.copy(), "labels": labels.copy(), **{key: value.copy() for key, value in params.items()}}
    _, cache = mlp.mlp_forward(params, x, "relu")
    dscores = rng.standard_normal((4, 3))
    dscores_before = dscores.copy()
    mlp.mlp_backward(dscores, cache)
    mlp.mlp_loss(params, x, labels, "relu")
    mlp.mlp_predict(params, x, "relu")
    after = {"x": x, "labels": labels, **params, "dscores": dscores}
    before["dscores"] = dscores_before
    for key, value in before.items():
        assert_close(after[key], value, name=f"{key} after mlp_forward/backward/loss/predict", rtol=0, atol=0,
                     cause="an in-place update (x.shape = ..., +=, -=) changed the caller's array; "
                           "use x.reshape(...) and out-of-place arithmetic")


@pytest.mark.parametrize("sizes, why", [
    ([4], "a single size (no layer)"),
    ([], "no sizes"),
    ([4, 0, 3], "a hidden width of 0"),
    ([4, 5, -2], "a negative size"),
])
def test_init_rejects_bad_sizes(mlp, sizes, why):
    assert_raises(ValueError, lambda: mlp.init_mlp(sizes, np.random.default_rng(0)), name="init_mlp", why=why,
                  cause="check len(sizes) >= 2 and that every size is a positive integer")


def inconsistent(name):
    rng = np.random.default_rng(0)
    params = random_params(rng, [4, 3, 2])
    if name == "a missing b1":
        del params["b1"]
    elif name == "an extra key":
        params["w2"] = np.ones((2, 2))
    elif name == "keys named W0, W1":
        params = {key.upper() if key[0] == "w" else key: value for key, value in params.items()}
    elif name == "b0 of shape (1,), which would broadcast":
        params["b0"] = np.zeros(1)
    elif name == "w1 with 4 rows after a layer of 3 outputs":
        params["w1"] = np.ones((4, 2))
    elif name == "no params at all":
        params = {}
    return params


@pytest.mark.parametrize("why", [
    "a missing b1", "an extra key", "keys named W0, W1", "b0 of shape (1,), which would broadcast",
    "w1 with 4 rows after a layer of 3 outputs", "no params at all",
])
def test_forward_rejects_inconsistent_params(mlp, why):
    params, x = inconsistent(why), np.ones((2, 4))
    assert_raises(ValueError, lambda: mlp.mlp_forward(params, x, "relu"), name="mlp_forward", why=why,
                  cause="check the keys are exactly w0, b0, ..., w{L-1}, b{L-1} and that the shapes chain "
                        "before computing: a KeyError or a silent broadcast explains nothing")


@pytest.mark.parametrize("activation", ["softmax", "ReLU", "linear", ""])
def test_rejects_unknown_activations(mlp, activation):
    params, x = random_params(np.random.default_rng(0), [4, 3, 2]), np.ones((2, 4))
    for function, call in [("mlp_forward", lambda: mlp.mlp_forward(params, x, activation)),
                           ("mlp_loss", lambda: mlp.mlp_loss(params, x, np.array([0, 1]), activation))]:
        assert_raises(ValueError, call, name=function, why=f"activation={activation!r}",
                      cause="accept only relu, leaky_relu, sigmoid and tanh; an else-branch that "
                            "falls back to one of them hides a typo")
