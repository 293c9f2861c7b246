"""`fromscratch solution` (the reference once the checks pass) and `fromscratch reset` (the stub back, safely)."""

import argparse
import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime

import pytest

from grader import stubs
from grader.components import REPO_ROOT
from grader.learner import reference, reset
from grader.learner.pristine import pristine_stub

COMPONENT = "activations"
REFERENCE = (REPO_ROOT / "solutions" / f"{COMPONENT}.py").read_text()


def region_lines(source):
    """Every line of code inside a solution region of ``source``."""
    lines = source.splitlines(keepends=True)
    return [lines[number].rstrip("\n") for region in stubs.find_regions(lines, "x")
            for number in range(region.begin, region.end - 1) if lines[number].strip()]


@pytest.fixture
def state(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("FROMSCRATCH_STATE", str(folder))
    return folder


def make_room(tmp_path, text):
    """A submission folder holding exercises/activations.py with ``text`` (str or bytes)."""
    room = tmp_path / "room"
    (room / "exercises").mkdir(parents=True)
    module = room / "exercises" / f"{COMPONENT}.py"
    module.write_bytes(text if isinstance(text, bytes) else text.encode())
    return room, module


def command(module, capsys, *arguments):
    parser = argparse.ArgumentParser()
    module.register(parser.add_subparsers())
    args = parser.parse_args(list(arguments))
    code = args.run(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def public_suite_available():
    from grader.learner import check

    if not hasattr(check, "run_public_suite"):
        pytest.skip("grader.learner.check.run_public_suite (the `fromscratch check` helper) is not written yet")


# ----------------------------------------------------------------------------- solution

def test_solution_refuses_while_the_public_checks_fail(tmp_path, state, capsys):
    public_suite_available()
    room, _ = make_room(tmp_path, pristine_stub(COMPONENT))
    code, shown = command(reference, capsys, "solution", COMPONENT, "--impl", str(room))
    failing = re.search(r"(\d+) of (\d+) public checks fail", shown)
    assert code == 1 and failing and failing.group(1) == failing.group(2) != "0", shown
    assert f"fromscratch check {COMPONENT}" in shown and f"fromscratch hint {COMPONENT}" in shown
    assert "--force" in shown and "recorded" in shown
    assert not any(line.strip() in shown for line in region_lines(REFERENCE)), "the refusal leaked the reference"
    assert not (state / "solutions.json").exists(), "a refusal is not a view"


def test_solution_opens_once_the_checks_pass_and_records_the_view(tmp_path, state, capsys, monkeypatch):
    public_suite_available()
    make_room(tmp_path, REFERENCE)
    monkeypatch.chdir(tmp_path)  # a path typed relative to where the learner stands
    code, shown = command(reference, capsys, "solution", COMPONENT, "--impl", "room")
    assert code == 0, shown
    marked = [line for line in shown.splitlines() if re.match(r"\s*\d+ >> ", line)]
    assert [re.sub(r"^\s*\d+ >> ", "", line) for line in marked] == [
        line for line in region_lines(REFERENCE)], "exactly the solution regions are marked >>"
    assert "BEGIN SOLUTION" not in shown and "region 1 of" in shown
    view = json.loads((state / "solutions.json").read_text())[COMPONENT]
    assert view["forced"] is False and datetime.fromisoformat(view["when"]).tzinfo is not None


def test_solution_counts_failures_and_errors_not_skips(tmp_path, state, capsys, monkeypatch):
    from grader.learner import check

    outcomes = ["passed", "failed", "error", "skipped", "passed"]
    monkeypatch.setattr(check, "run_public_suite", lambda component, impl="exercises", **_: [
        {"outcome": outcome, "component": component} for outcome in outcomes], raising=False)
    code, shown = command(reference, capsys, "solution", COMPONENT)
    assert code == 1 and "2 of 4 public checks fail" in shown, shown


def test_force_shows_the_reference_without_the_checks_and_records_it(tmp_path, state, capsys, monkeypatch):
    from grader.learner import check

    def must_not_run(*args, **kwargs):
        raise AssertionError("--force must not wait for the public suite")

    monkeypatch.setattr(check, "run_public_suite", must_not_run, raising=False)
    room, _ = make_room(tmp_path, pristine_stub(COMPONENT))
    code, shown = command(reference, capsys, "solution", COMPONENT, "--force", "--impl", str(room))
    assert code == 0 and all(line in shown for line in region_lines(REFERENCE)), shown
    assert json.loads((state / "solutions.json").read_text())[COMPONENT]["forced"] is True
    reference.record_view(COMPONENT, forced=False)
    assert json.loads((state / "solutions.json").read_text())[COMPONENT]["forced"] is True, \
        "a later view does not erase that the reference was once forced open"


def test_the_learner_edition_has_no_reference_to_show(tmp_path, state, capsys, monkeypatch):
    monkeypatch.setattr(reference, "SOLUTIONS_DIR", tmp_path / "no-solutions-here")
    code, shown = command(reference, capsys, "solution", COMPONENT, "--force")
    assert code == 2 and "this edition has no reference solutions" in shown and "ask your instructor" in shown
    assert not (state / "solutions.json").exists()


def test_solution_against_the_reference_itself_is_refused(state, capsys):
    with pytest.raises(ValueError, match="--impl solutions is the reference itself"):
        command(reference, capsys, "solution", COMPONENT, "--impl", "solutions")


# ----------------------------------------------------------------------------- reset

def learners_attempt():
    """The stub with one function written: two lines where the stub has one, plus bytes a text read would alter."""
    stub = pristine_stub(COMPONENT)
    raising = next(line for line in stub.splitlines() if "NotImplementedError" in line)
    indent = raising[: len(raising) - len(raising.lstrip())]
    written = stub.replace(raising, f"{indent}out = np.maximum(x, 0)  # caf\u00e9\r\n{indent}return out, x", 1)
    return written.encode()


def test_reset_with_yes_backs_up_the_exact_text_and_restores_the_stub(tmp_path, state, capsys):
    attempt = learners_attempt()
    room, module = make_room(tmp_path, attempt)
    code, shown = command(reset, capsys, "reset", COMPONENT, "--yes", "--impl", str(room))
    assert code == 0, shown
    assert module.read_text() == pristine_stub(COMPONENT)
    backups = list((state / "backups").iterdir())
    assert len(backups) == 1 and re.fullmatch(rf"{COMPONENT}-\d{{8}}-\d{{6}}\.py", backups[0].name), backups
    assert backups[0].read_bytes() == attempt, "the backup must be the previous file byte for byte"
    assert str(backups[0]) in shown and f"cp {backups[0]}" in shown, shown


def test_backups_never_overwrite_one_another(tmp_path, state):
    first = reset.keep_backup(COMPONENT, b"first attempt\n")
    second = reset.keep_backup(COMPONENT, b"second attempt\n")
    assert first != second and first.read_bytes() == b"first attempt\n" and second.read_bytes() == b"second attempt\n"


class Terminal(io.StringIO):
    """Standard input as a learner at a terminal typing ``answer``."""

    def isatty(self):
        return True


@pytest.mark.parametrize("answer", ["n\n", "\n", ""])
def test_reset_asks_and_anything_but_yes_changes_nothing(tmp_path, state, capsys, monkeypatch, answer):
    attempt = learners_attempt()
    room, module = make_room(tmp_path, attempt)
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    code, shown = command(reset, capsys, "reset", COMPONENT, "--impl", str(room))
    assert code == 1 and "2 lines differ from the stub. Restore the stub? [y/N]" in shown, shown
    assert module.read_bytes() == attempt and not (state / "backups").exists()


def test_reset_proceeds_on_yes_at_the_prompt(tmp_path, state, capsys, monkeypatch):
    room, module = make_room(tmp_path, learners_attempt())
    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    code, _ = command(reset, capsys, "reset", COMPONENT, "--impl", str(room))
    assert code == 0 and module.read_text() == pristine_stub(COMPONENT)


def test_reset_without_a_terminal_refuses_unless_yes(tmp_path, state):
    attempt = learners_attempt()
    room, module = make_room(tmp_path, attempt)
    result = subprocess.run([sys.executable, "-m", "grader", "reset", COMPONENT, "--impl", str(room)],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, cwd=REPO_ROOT,
                            env={**os.environ, "FROMSCRATCH_STATE": str(state)})
    assert result.returncode == 1 and f"fromscratch reset {COMPONENT} --yes" in result.stdout, result
    assert module.read_bytes() == attempt and not (state / "backups").exists()


def test_reset_of_an_untouched_stub_does_nothing(tmp_path, state, capsys):
    room, module = make_room(tmp_path, pristine_stub(COMPONENT))
    code, shown = command(reset, capsys, "reset", COMPONENT, "--yes", "--impl", str(room))
    assert code == 0 and "already the untouched stub" in shown and not (state / "backups").exists()


def test_reset_never_touches_the_reference(state, capsys):
    with pytest.raises(ValueError, match="reset never touches"):
        command(reset, capsys, "reset", COMPONENT, "--yes", "--impl", "solutions")
