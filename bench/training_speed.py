"""One epoch of the reference NumPy MLP on the MNIST offline split next to the same network in torch, on the CPU.

    python bench/training_speed.py [--repeats 3] [--impl solutions] [--threads 1]

The network is train_mlp's: 784-128-10, ReLU, Adam (lr 3e-3), batch 128, float32, over the
8,000 training images of the offline split (or the 60,000 of full MNIST when present). Both
run in the same process with the same thread count; the ratio is NumPy / torch. The FLOP
count of an epoch (forward 2*N*(784*128 + 128*10) multiply-adds counted as 2, backward twice
that, so 3x the forward) is set against the machine's measured float32 matrix-multiply rate
(a 1024x1024 @ 1024x1024 product in NumPy), which says how far from the hardware each is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_seconds  # noqa: E402 (bench/ is the script folder)


def matmul_gflops(repeats: int) -> float:
    a = np.random.default_rng(0).standard_normal((1024, 1024)).astype(np.float32)
    seconds = median_seconds(lambda: a @ a, repeats + 2)
    return 2 * 1024**3 / seconds / 1e9


def torch_epoch(x, y, batch_size: int):
    import torch

    generator = torch.Generator().manual_seed(0)
    w0 = (torch.randn(784, 128, generator=generator) * (2 / 784) ** 0.5).requires_grad_()
    w1 = (torch.randn(128, 10, generator=generator) * (2 / 128) ** 0.5).requires_grad_()
    b0, b1 = torch.zeros(128, requires_grad=True), torch.zeros(10, requires_grad=True)
    optimizer = torch.optim.Adam([w0, b0, w1, b1], lr=3e-3)
    tx, ty = torch.from_numpy(x.reshape(len(x), -1)), torch.from_numpy(y)

    def epoch():
        order = torch.randperm(len(ty), generator=generator)
        for start in range(0, len(ty), batch_size):
            idx = order[start:start + batch_size]
            scores = torch.relu(tx[idx] @ w0 + b0) @ w1 + b1
            loss = torch.nn.functional.cross_entropy(scores, ty[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    return epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--impl", default="solutions")
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads for both (default 1)")
    args = parser.parse_args()

    import torch
    from threadpoolctl import threadpool_limits

    from grader.implementation import resolve
    from grader.loaders import load_images

    torch.set_num_threads(args.threads)
    training = resolve(args.impl).load("training")
    split = load_images("mnist")
    x, y = split.train_x, split.train_y
    batch_size = 128
    with threadpool_limits(args.threads):
        numpy_seconds = median_seconds(lambda: training.train_mlp(x, y, x[:1], y[:1], classes=10, epochs=1,
                                                                  batch_size=batch_size), args.repeats)
        torch_seconds = median_seconds(torch_epoch(x, y, batch_size), args.repeats)
        rate = matmul_gflops(args.repeats)
    flops = 3 * 2 * len(y) * (784 * 128 + 128 * 10)
    print(f"data: {split.summary()}")
    print(f"threads: {args.threads}; median of {args.repeats} after one warm-up")
    print(f"matmul rate (float32 1024^3, NumPy): {rate:.1f} GFLOP/s")
    print(f"FLOPs per epoch (matrix products, forward + backward): {flops / 1e9:.3f} GFLOP")
    for name, seconds in (("numpy (reference)", numpy_seconds), ("torch (autograd)", torch_seconds)):
        achieved = flops / seconds / 1e9
        print(f"{name:<18} {seconds * 1000:8.1f} ms/epoch  {achieved:6.2f} GFLOP/s  "
              f"({100 * achieved / rate:.0f}% of the matmul rate)")
    print(f"ratio numpy / torch: {numpy_seconds / torch_seconds:.2f}x")


if __name__ == "__main__":
    main()
