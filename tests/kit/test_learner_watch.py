"""`fromscratch watch` on a room of its own: a verdict per save, a watcher that outlives the learner's crashes.

Each test drives the command as a subprocess against a copy of one stub in
``tmp_path`` (``--impl ROOM``, the state in ``tmp_path``), reads its stdout
line by line, and saves files when the watcher says it is watching again.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grader.cli import main
from grader.components import REPO_ROOT
from grader.learner.pristine import pristine_stub

pytestmark = pytest.mark.kit

WATCHING = "for saves (Ctrl-C to stop)"
ALL_PASS = re.compile(r"(\w+): (\d+) of \2 checks pass")
REFERENCE = (REPO_ROOT / "solutions" / "activations.py").read_text()
GENEROUS = 180.0  # seconds; the machine may be loaded: no assertion is about speed


class Watch:
    """``fromscratch watch ARGS --impl ROOM`` started in ROOM, its output read as it comes."""

    def __init__(self, room: Path, state: Path, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader", "watch", *args, "--impl", str(room)], cwd=room,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
            env={**os.environ, "FROMSCRATCH_STATE": str(state), "NO_COLOR": "1"})
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.transcript: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def until(self, marker: str) -> str:
        """The output from here up to the line holding ``marker``; fails if the watcher ends first."""
        seen = []
        while True:
            line = self.lines.get(timeout=GENEROUS)
            assert line is not None, "the watcher ended before printing " + repr(marker) + ":\n" + self.text()
            seen.append(line)
            self.transcript.append(line)
            if marker in line:
                return "".join(seen)

    def finish(self) -> tuple[int, str]:
        """Its exit status and the rest of its output."""
        code = self.process.wait(timeout=GENEROUS)
        rest = []
        while (line := self.lines.get(timeout=GENEROUS)) is not None:
            rest.append(line)
        self.transcript += rest
        return code, "".join(rest)

    def text(self) -> str:
        return "".join(self.transcript)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def room(tmp_path: Path) -> Path:
    """A learner's room holding the untouched activations stub."""
    folder = tmp_path / "room" / "exercises"
    folder.mkdir(parents=True)
    (folder / "activations.py").write_text(pristine_stub("activations"))
    return tmp_path / "room"


@pytest.fixture
def watch(room: Path, tmp_path: Path):
    started: list[Watch] = []

    def start(*args: str) -> Watch:
        started.append(Watch(room, tmp_path / "state", *args))
        return started[-1]

    yield start
    for running in started:
        running.stop()


def save(room: Path, text: str, name: str = "activations") -> None:
    (room / "exercises" / f"{name}.py").write_text(text)


def test_the_first_run_says_what_is_not_written_and_a_save_of_the_reference_passes(room, watch):
    watcher = watch("--runs", "2")  # no component: the first not passing, with no progress recorded: activations
    first = watcher.until(WATCHING)
    assert "TODO" in first and "not written yet: activations.relu_forward" in first
    assert re.search(r"activations: 0 of \d+ checks pass", first)
    save(room, REFERENCE)
    code, second = watcher.finish()
    assert code == 0, watcher.text()
    assert "activations.py saved" in second
    assert ALL_PASS.search(second) and ALL_PASS.search(second).group(1) == "activations", watcher.text()
    assert "TODO" not in second and "FAIL" not in second
    assert "\033[" not in watcher.text(), "no screen clearing or colour when stdout is not a terminal"


def test_saving_another_component_makes_it_the_current_one_and_ctrl_c_stops_cleanly(room, watch):
    save(room, REFERENCE)
    watcher = watch("activations")
    assert ALL_PASS.search(watcher.until(WATCHING))
    save(room, (REPO_ROOT / "solutions" / "softmax.py").read_text(), name="softmax")
    second = watcher.until(WATCHING)
    assert "softmax.py saved" in second and ALL_PASS.search(second).group(1) == "softmax", watcher.text()
    watcher.process.send_signal(signal.SIGINT)
    code, rest = watcher.finish()
    assert code == 0 and "stopped" in rest, watcher.text()
    assert "Traceback" not in watcher.text()


def test_a_syntax_error_is_shown_with_its_line_and_the_next_save_runs_again(room, watch):
    save(room, REFERENCE)
    watcher = watch("activations", "--runs", "3")
    watcher.until(WATCHING)
    broken = REFERENCE.replace("def relu_forward(x", "def relu_forward(x,, ")
    line = broken.splitlines().index(next(row for row in broken.splitlines() if "relu_forward(x,," in row)) + 1
    save(room, broken)
    shown = watcher.until(WATCHING)
    assert f"exercises/activations.py:{line}: SyntaxError" in shown, shown
    assert "no check ran" in shown and "Traceback" not in shown
    save(room, REFERENCE)
    code, last = watcher.finish()
    assert code == 0 and ALL_PASS.search(last), watcher.text()


def test_a_save_abandons_a_run_that_never_ends_and_a_check_that_ends_the_process_is_reported(room, watch):
    """An endless loop (abandoned by the next save), os._exit, a segfault (ctypes), the reference: one watcher."""
    looping = room / "looping"  # the endless loop says it has begun, so the save comes during the run
    loops = (REFERENCE + f"\n\ndef relu_forward(x):\n    open({str(looping)!r}, 'w').close()\n"
             "    while True:\n        pass\n")
    exits = REFERENCE + "\n\nimport os as _os\n\n\ndef relu_forward(x):\n    _os._exit(3)\n"
    crashes = (REFERENCE + "\n\nimport ctypes as _ctypes\n\n\n"
               "def relu_forward(x):\n    return _ctypes.string_at(0)\n")
    save(room, loops)
    watcher = watch("activations", "--runs", "3")
    deadline = time.monotonic() + GENEROUS
    while not looping.exists():
        assert watcher.process.poll() is None and time.monotonic() < deadline, watcher.text()
        time.sleep(0.05)
    save(room, exits)
    for ending, then in (("exited with status 3", crashes), ("killed by SIGSEGV", REFERENCE)):
        shown = watcher.until(WATCHING)
        assert ending in shown and "tests/public/test_activations.py::test_relu_forward_fixed_values" in shown
        assert "the watcher is still running" in shown and "Traceback" not in shown
        save(room, then)
    assert "activations.py saved again" in watcher.text(), "the endless run was abandoned for the save"
    crash_line = len(crashes.splitlines())  # faulthandler's traceback, cut to the learner's frames
    assert f"exercises/activations.py:{crash_line} in relu_forward" in shown, shown
    code, last = watcher.finish()
    assert code == 0 and ALL_PASS.search(last), watcher.text()


@pytest.mark.parametrize("arguments, said", [
    (["watch", "activation"], "activation"),
    (["watch", "activations", "--runs", "0"], "--runs 0"),
    (["watch", "--impl", "/nonexistent/room"], "no such folder"),
])
def test_refuses_what_it_cannot_watch_before_warming_up(arguments, said, capsys):
    assert main(arguments) == 2
    captured = capsys.readouterr()
    assert said in captured.err and "warming up" not in captured.out
