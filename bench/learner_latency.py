"""How long a learner waits for one component's checks, next to the bare cost of importing torch.

    python bench/learner_latency.py [--repeats 5] [--component softmax]

Prints the median and the spread of wall time over the repeats for
``pytest -m COMPONENT`` (the learner's command, against exercises/) and
``python -c "import torch"``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall_times(command: list[str], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--component", default="softmax")
    parser.add_argument("--impl", default="exercises")
    args = parser.parse_args()
    commands = {
        f"pytest -m {args.component} --impl {args.impl}":
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", args.component,
             "--impl", args.impl],
        'python -c "import torch"': [sys.executable, "-c", "import torch"],
    }
    for label, command in commands.items():
        times = wall_times(command, args.repeats)
        print(f"{label:<40} median {statistics.median(times):.2f} s  "
              f"(min {min(times):.2f}, max {max(times):.2f}, {args.repeats} runs)")


if __name__ == "__main__":
    main()
