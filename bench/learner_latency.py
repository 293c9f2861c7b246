"""How long a learner waits for one component's checks, next to the bare cost of importing torch.

    python bench/learner_latency.py [--repeats 5] [--component softmax] [--watch activations softmax linear]

Prints the median and the spread of wall time over the repeats for
``pytest -m COMPONENT`` (the learner's command, against exercises/),
``python -c "import torch"``, and, for each component given to ``--watch``,
``fromscratch watch``'s re-run: the watcher runs on a room of its own (a
temporary copy of the reference module, so every check runs), the module is
saved again ``--repeats`` times, and each time the wall time from the save to
the verdict's summary line on the watcher's stdout is taken (and, once, the
time from the watcher's start to its first verdict). The learner's
progress is kept in a temporary folder, never in the kit's.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WATCHING = "for saves (Ctrl-C to stop)"


def wall_times(command: list[str], repeats: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
        times.append(time.perf_counter() - started)
    return times


def watch_rerun_times(component: str, repeats: int, env: dict[str, str]) -> tuple[float, list[float]]:
    """Seconds from the watcher's start to its first verdict, and from each save to the verdict's summary line."""
    with tempfile.TemporaryDirectory(prefix="fromscratch-bench-watch-") as scratch:
        module = Path(scratch) / "exercises" / f"{component}.py"
        module.parent.mkdir()
        reference = (ROOT / "solutions" / f"{component}.py").read_text()
        module.write_text(reference)
        watcher = subprocess.Popen([sys.executable, "-m", "grader", "watch", component, "--impl", scratch],
                                   cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, text=True)
        started = time.perf_counter()
        lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
        threading.Thread(target=_timestamp_lines, args=(watcher, lines), daemon=True).start()
        verdict = re.compile(rf"^{component}: \d+ of \d+ checks pass")
        try:
            first = _read_until(lines, verdict, watcher) - started  # the warm-up and the first run
            _read_until(lines, WATCHING, watcher)
            times = []
            for save in range(repeats):
                saved = time.perf_counter()
                module.write_text(f"{reference}\n# saved again ({save + 1})\n")
                times.append(_read_until(lines, verdict, watcher) - saved)
                _read_until(lines, WATCHING, watcher)
        finally:
            watcher.kill()
            watcher.wait()
    return first, times


def _timestamp_lines(watcher: subprocess.Popen, lines: queue.Queue) -> None:
    """Each line of the watcher's output with the moment it arrived; None when the output ends."""
    for line in watcher.stdout:
        lines.put((time.perf_counter(), line))
    lines.put((time.perf_counter(), None))


def _read_until(lines: queue.Queue, wanted: str | re.Pattern, watcher: subprocess.Popen) -> float:
    """When the first line holding ``wanted`` arrived; fails loudly if the watcher ends or stalls."""
    while True:
        try:
            arrived, line = lines.get(timeout=120)
        except queue.Empty:
            raise SystemExit(f"the watcher printed nothing for 120 s while waiting for {wanted!r}") from None
        if line is None:
            raise SystemExit(f"the watcher ended (exit status {watcher.wait()}) before printing {wanted!r}")
        if wanted.search(line) if isinstance(wanted, re.Pattern) else wanted in line:
            return arrived


def report(label: str, times: list[float]) -> None:
    print(f"{label:<40} median {statistics.median(times):.2f} s  "
          f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--component", default="softmax")
    parser.add_argument("--impl", default="exercises")
    parser.add_argument("--watch", nargs="*", default=["activations", "softmax", "linear"], metavar="COMPONENT",
                        help="components whose watch re-run is measured (default: activations softmax linear)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fromscratch-bench-state-") as state:
        env = {**os.environ, "FROMSCRATCH_STATE": state, "NO_COLOR": "1"}
        commands = {
            f"pytest -m {args.component} --impl {args.impl}":
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", args.component,
                 "--impl", args.impl],
            'python -c "import torch"': [sys.executable, "-c", "import torch"],
        }
        for label, command in commands.items():
            report(label, wall_times(command, args.repeats, env))
        for component in args.watch:
            first, reruns = watch_rerun_times(component, args.repeats, env)
            report(f"watch {component}: save -> verdict", reruns)
            print(f"{'':<40} (start -> first verdict {first:.2f} s: the warm-up, once)", flush=True)


if __name__ == "__main__":
    main()
