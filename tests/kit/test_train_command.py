"""`fromscratch train`: per-epoch lines, valid PNG plots, and threshold messages that teach."""

import subprocess
import sys

import pytest

from grader.checks import CheckFailure
from grader.components import REPO_ROOT
from grader.datasets import data_root
from grader.training_run import check_reached

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def train(tmp_path, *args):
    result = subprocess.run([sys.executable, "-m", "grader", "train", *args, "--impl", "solutions",
                             "--out", str(tmp_path)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
                            env={**__import__("os").environ, "OMP_NUM_THREADS": "1"})
    assert result.returncode == 0, f"fromscratch train {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def assert_pngs(folder, names):
    for name in names:
        path = folder / name
        assert path.is_file(), f"{path} was not written"
        assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{path} is not a PNG file"
        assert path.stat().st_size > 1000, f"{path} is suspiciously small"


def test_train_xor_prints_epochs_and_writes_plots(tmp_path):
    out = train(tmp_path, "xor")
    assert "epoch 150/150: loss" in out and "eval accuracy 1.0000" in out, out
    assert_pngs(tmp_path, ["curves.png", "confusion.png", "decision_boundary.png"])


def test_train_mlp_one_epoch_on_mnist(tmp_path):
    if not (data_root() / "mnist").is_dir():
        pytest.skip(f"needs MNIST under the shared data folder {data_root()}; it is absent")
    out = train(tmp_path, "mlp", "--epochs", "1")
    assert "epoch 1/1: loss" in out and "eval accuracy" in out, out
    assert_pngs(tmp_path, ["curves.png", "confusion.png", "misclassified.png"])


def test_unknown_task_is_refused():
    result = subprocess.run([sys.executable, "-m", "grader", "train", "resnet"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_threshold_failure_says_reached_target_and_suspects():
    with pytest.raises(CheckFailure) as caught:
        check_reached("eval accuracy", 0.5, 0.94)
    message = str(caught.value)
    assert "reached 0.5000" in message and "at least 0.9400" in message and "learning rate" in message
    check_reached("validation loss", 2.1, 2.5, lower_is_better=True)
