"""The sandbox's channel and proxies: plain data only, verdicts unaffected by what the learner's objects claim."""

from __future__ import annotations

import math
import socket
import tempfile
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

from grader.checks import CheckFailure
from grader.sandbox.mirrors import Mirror, MirroredCodec
from grader.sandbox.remote import Connection, LearnerFailure, RemoteModule, RemoteObject
from grader.sandbox.session import NUMPY_PRELOAD, TORCH_PRELOAD
from grader.sandbox.wire import Codec, ProtocolError, receive_message, send_message
from grader.sandbox.zygote import Zygote


def round_trip(value, codec_type=Codec):
    sender, receiver = codec_type(), codec_type()
    tree = sender.encode(value)
    receiver.received = [bytearray(buffer) for buffer in sender.buffers]
    return receiver.decode(tree)


class LyingInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


@pytest.mark.parametrize("value", [
    None, True, 3, 2**80, -1.5, "text", [1, [2.5]], (1, (2,)), {1: "a", (2, 3): [4]}, b"\x00\xff", 1 + 2j,
    slice(1, None, 2), np.float32(1.5), np.int64(-3), np.dtype("float32"), np.float64, float, int,
])
def test_plain_values_round_trip(value):
    got = round_trip(value)
    assert type(got) is type(value) and got == value


def test_non_finite_floats_round_trip():
    got = round_trip([math.inf, -math.inf, math.nan])
    assert got[:2] == [math.inf, -math.inf] and math.isnan(got[2])


@pytest.mark.parametrize("array", [np.arange(6.0).reshape(2, 3), np.zeros((0, 4), np.float32), np.array(7, np.int8),
                                   np.array([[True, False]]), np.arange(10)[::3], np.ones(3, np.complex64)])
def test_arrays_round_trip_exactly(array):
    got = round_trip(array)
    assert type(got) is np.ndarray and got.dtype == array.dtype and got.shape == array.shape
    assert np.array_equal(got, array)


def test_subclasses_of_plain_types_arrive_as_the_plain_value():
    class Sneaky(np.ndarray):
        def __eq__(self, other):
            return True

    got = round_trip((LyingInt(4), np.arange(3.0).view(Sneaky)))
    assert type(got[0]) is int and got[0] == 4 and got[0] != 5
    assert type(got[1]) is np.ndarray


def test_numpy_generator_state_travels():
    generator = np.random.default_rng(5)
    got = round_trip(generator)
    assert got.random() == np.random.default_rng(5).random()


@pytest.mark.parametrize("value", [np.array(["a"]), np.array([object()], dtype=object), object(), open])
def test_what_is_not_data_is_refused(value):
    with pytest.raises(TypeError):
        Codec().encode(value)


@pytest.mark.parametrize("tree, buffers, problem", [
    ({"$": "pickle", "v": "..."}, [], "unknown tag"),
    ({"$": "nd", "dtype": "|O", "shape": [1], "b": 0}, [b"\x00" * 8], "numbers only"),
    ({"$": "nd", "dtype": "<f8", "shape": [3], "b": 0}, [b"\x00" * 8], "does not fit"),
    ({"$": "nd", "dtype": "<f8", "shape": [1], "b": 4}, [b"\x00" * 8], "does not carry"),
    ({"$": "npgen", "state": {"$": "dict", "k": ["bit_generator"], "v": ["os.system"]}}, [], "bit generator"),
    ({"$": "type", "v": "eval"}, [], "bad type"),
    ({"$": "dict", "k": [[1]], "v": [2]}, [], "bad dict key"),
    ({"not": "tagged"}, [], "unexpected value"),
])
def test_malformed_messages_are_refused(tree, buffers, problem):
    codec = Codec()
    codec.received = [bytearray(buffer) for buffer in buffers]
    with pytest.raises(ProtocolError, match=problem):
        codec.decode(tree)


def test_nesting_is_bounded():
    deep: list = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(ProtocolError, match="deeper"):
        Codec().encode(deep)


def test_messages_cross_a_socket_whole():
    left, right = socket.socketpair()
    payload = np.random.default_rng(0).random((300, 300))
    codec = Codec()
    sender = threading.Thread(target=send_message, args=(left, {"values": [codec.encode(payload)]}, codec.buffers))
    sender.start()  # 720 KB is more than a socket buffers: the reader must run meanwhile
    tree, buffers = receive_message(right)
    sender.join()
    receiver = Codec()
    receiver.received = buffers
    assert np.array_equal(receiver.decode(tree["values"][0]), payload)


def test_mirrored_tensors_keep_identity_and_follow_in_place_updates():
    here, there = MirroredCodec(Mirror(0)), MirroredCodec(Mirror(1))
    weight = torch.ones(3, requires_grad=True)
    tree = here.encode([weight, weight])
    there.received = [bytearray(buffer) for buffer in here.buffers]
    first, second = there.decode(tree)
    assert first is second and first.requires_grad and first.is_leaf
    with torch.no_grad():
        first.mul_(2)
    first.grad = torch.full((3,), 0.5)
    updates = there.encode_sync()
    here.received = [bytearray(buffer) for buffer in there.buffers]
    here.apply_sync(updates)
    assert torch.equal(weight.detach(), torch.full((3,), 2.0)) and torch.equal(weight.grad, torch.full((3,), 0.5))
    assert here.encode_sync() == [], "after applying, both sides are in step"


LEARNER = '''
import numpy as np

class AlwaysEqual:
    def __eq__(self, other):
        return True

class Shouting(ValueError):
    pass

def add(x, y):
    return x + y

def always_equal():
    return AlwaysEqual()

def same(value):
    return value

def shout():
    raise Shouting("too loud")

def leave():
    raise SystemExit(0)

def apply(f, x):
    return [f(x), f(x + 1)]

def draw(rng):
    return rng.random()

def count(n):
    yield from range(n)

def spin():
    while True:
        pass

def die():
    import os
    os._exit(3)
'''

TORCH_LEARNER = '''
import torch

def scale(x, w):
    return x * w + w.sum()

class Model:
    def __init__(self):
        self.w = torch.full((2, 2), 0.5, requires_grad=True)

    def parameters(self):
        return [self.w]

    def __call__(self, x):
        return x @ self.w

    def step(self, lr):
        with torch.no_grad():
            self.w -= lr * self.w.grad
'''


@pytest.fixture(scope="module")
def zygotes():
    directory = Path(tempfile.mkdtemp(prefix="zy-"))  # short: a socket's path must fit in 107 bytes
    started = {"numpy": Zygote.start(directory, NUMPY_PRELOAD), "torch": Zygote.start(directory, TORCH_PRELOAD)}
    yield started
    for zygote in started.values():
        zygote.close()


def remote_module(zygotes, tmp_path: Path, component: str, source: str, **limits) -> RemoteModule:
    package = tmp_path / "exercises"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / f"{component}.py").write_text(textwrap.dedent(source))
    flavour = "numpy" if component == "activations" else "torch"
    connection = Connection(zygotes[flavour], package, "exercises", component,
                            call_seconds=limits.get("call_seconds", 20), component_seconds=limits.get("budget", 60),
                            limits={"cpu_seconds": 60, "memory_mib": 2048}, hide=[], log=tmp_path / "worker.log")
    return RemoteModule(connection)


@pytest.fixture(scope="module")
def learner(zygotes, tmp_path_factory):
    module = remote_module(zygotes, tmp_path_factory.mktemp("learner"), "activations", LEARNER, call_seconds=2,
                           budget=30)
    yield module
    module._connection.kill()


def test_calls_return_plain_data(learner):
    got = learner.add(np.arange(3.0), 1.5)
    assert type(got) is np.ndarray and np.array_equal(got, np.arange(3.0) + 1.5)


def test_an_always_equal_object_equals_nothing(learner):
    got = learner.always_equal()
    assert isinstance(got, RemoteObject) and got != 1 and not np.any(got == np.zeros(3))
    with pytest.raises(CheckFailure, match="not an array|not numbers"):
        from grader.checks import assert_close

        assert_close(got, np.zeros(3), name="out")


def test_one_proxy_per_learner_object(learner):
    got = learner.always_equal()
    assert learner.same(got) is got


def test_exceptions_keep_their_builtin_class_and_name(learner):
    with pytest.raises(ValueError, match="too loud") as caught:
        learner.shout()
    assert type(caught.value).__name__ == "Shouting"


def test_system_exit_in_learner_code_does_not_exit_the_grader(learner):
    with pytest.raises(Exception) as caught:
        learner.leave()
    assert not isinstance(caught.value, SystemExit) and type(caught.value).__name__ == "SystemExit"


def test_callbacks_run_here_and_nest(learner):
    seen = []

    def f(x):
        seen.append(x)
        return learner.add(x, 10)

    assert learner.apply(f, 1) == [11, 12] and seen == [1, 2]


def test_generators_used_there_move_here(learner):
    rng, reference = np.random.default_rng(3), np.random.default_rng(3)
    assert learner.draw(rng) == reference.random()
    assert rng.random() == reference.random(), "the draw in the worker advanced the grader's generator"


def test_iteration(learner):
    assert list(learner.count(4)) == [0, 1, 2, 3]


def test_an_endless_loop_times_out_and_the_next_call_gets_a_fresh_worker(learner):
    with pytest.raises(LearnerFailure, match="no answer within 2 s") as caught:
        learner.spin()
    assert caught.value.grading_kind == "timeout"
    assert learner.add(1, 2) == 3


def test_a_dying_worker_is_a_crash_and_the_next_call_gets_a_fresh_worker(learner):
    with pytest.raises(LearnerFailure, match="exited with status 3") as caught:
        learner.die()
    assert caught.value.grading_kind == "crash"
    assert learner.add(2, 2) == 4


@pytest.fixture(scope="module")
def torch_learner(zygotes, tmp_path_factory):
    module = remote_module(zygotes, tmp_path_factory.mktemp("torch_learner"), "softmax_torch", TORCH_LEARNER)
    yield module
    module._connection.kill()


def test_gradients_flow_back_through_the_worker(torch_learner):
    x = torch.tensor([1.0, -2.0], requires_grad=True)
    w = torch.tensor([3.0, 0.5], requires_grad=True)
    out = torch_learner.scale(x, w)
    (out * torch.tensor([1.0, 2.0])).sum().backward()
    x_ref, w_ref = x.detach().clone().requires_grad_(), w.detach().clone().requires_grad_()
    ((x_ref * w_ref + w_ref.sum()) * torch.tensor([1.0, 2.0])).sum().backward()
    assert torch.equal(out.detach(), (x_ref * w_ref + w_ref.sum()).detach())
    assert torch.equal(x.grad, x_ref.grad) and torch.equal(w.grad, w_ref.grad)


def test_parameters_living_in_the_worker_get_their_gradients_and_updates(torch_learner):
    model = torch_learner.Model()
    (weight,) = model.parameters()
    assert model.parameters()[0] is weight and weight.is_leaf and weight.requires_grad
    x = torch.tensor([[1.0, 2.0]])
    model(x).sum().backward()
    assert torch.equal(weight.grad, torch.tensor([[1.0, 1.0], [2.0, 2.0]]))
    (grad,) = torch.autograd.grad(model(x).sum(), [weight])
    assert torch.equal(grad, weight.grad)
    model.step(0.5)
    assert torch.equal(weight.detach(), torch.tensor([[0.0, 0.0], [-0.5, -0.5]])), "the update came back"
    weight.grad = None
    with pytest.raises(TypeError):
        model.step(0.5)  # the worker saw grad = None


def test_a_covered_checkout_still_serves_the_worker(zygotes, tmp_path):
    """Covering the whole checkout (as a private /tmp covers a clone in /tmp) hides it, but not the Python it needs."""
    from grader.components import REPO_ROOT
    from grader.measure import peak_allocation

    package = tmp_path / "exercises"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "activations.py").write_text("def rows(n):\n    yield from range(n)\n"
                                            "def peek(path):\n    return open(path).read()\n")
    connection = Connection(zygotes["numpy"], package, "exercises", "activations", call_seconds=20,
                            component_seconds=60, limits={"cpu_seconds": 60, "memory_mib": 2048},
                            hide=[str(REPO_ROOT)], log=tmp_path / "worker.log")
    learner = RemoteModule(connection)
    try:
        count, _ = peak_allocation(learner.rows, 5)  # the worker imports grader.measure now, after the fork
        assert count == 5
        with pytest.raises(FileNotFoundError):
            learner.peek(str(REPO_ROOT / "tests" / "hidden" / "test_activations.py"))
    finally:
        connection.kill()
