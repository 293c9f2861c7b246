"""Collect stages each learner's folder or archive safely, and refuses what it must with the reason."""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest

from grader.grading.collect import Refusal, Submission, UnpackLimits, _Member, _Stager, collect

MODULE = b"def relu(x):\n    return x\n"
SMALL = UnpackLimits(total_bytes=1 << 20, files=20, file_bytes=256 << 10)


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def tar_member(name: str, content: bytes = b"", kind: bytes = tarfile.REGTYPE, **fields) -> tuple:
    info = tarfile.TarInfo(name)
    info.type, info.size = kind, len(content) if kind == tarfile.REGTYPE else 0
    for key, value in fields.items():
        setattr(info, key, value)
    return info, io.BytesIO(content) if kind == tarfile.REGTYPE else None


def write_tar(path: Path, members: list[tuple], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode, format=tarfile.GNU_FORMAT, encoding="utf-8", errors="surrogateescape") as archive:
        for info, content in members:
            archive.addfile(info, content)
    return path


def only(submissions: list[Submission]) -> Submission:
    (submission,) = submissions
    return submission


def refusal(tmp_path: Path, limits: UnpackLimits = UnpackLimits()) -> str:
    """The reason the single submission in tmp_path/subs was refused; nothing of it may be left staged."""
    submission = only(collect(tmp_path / "subs", tmp_path / "staging", limits=limits))
    assert submission.refused is not None and submission.staged is None
    assert not (tmp_path / "staging" / submission.learner).exists()
    return submission.refused


def files_under(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def snapshot(folder: Path) -> dict:
    return {path: (path.stat().st_mtime_ns, path.read_bytes()) for path in folder.rglob("*") if path.is_file()}


@pytest.fixture
def subs(tmp_path: Path) -> Path:
    (tmp_path / "subs").mkdir()
    return tmp_path / "subs"


def test_folders_zips_and_tarballs_are_staged_under_their_learner_ids(tmp_path, subs):
    (subs / "alice" / "exercises").mkdir(parents=True)
    (subs / "alice" / "exercises" / "activations.py").write_bytes(MODULE)
    write_zip(subs / "bob.zip", {"exercises/activations.py": MODULE, "__MACOSX/exercises/._activations.py": b"x"})
    for name, mode in (("carol.tar.gz", "w:gz"), ("dave.tgz", "w:gz"), ("erin.tar", "w"), ("fred.tar.xz", "w:xz")):
        write_tar(subs / name, [tar_member("exercises/activations.py", MODULE, mode=0o4755)], mode)
    (subs / ".DS_Store").write_bytes(b"\0")
    before = snapshot(subs)
    umask = os.umask(0o077)
    try:
        submissions = collect(subs, tmp_path / "staging")
    finally:
        os.umask(umask)
    assert [submission.learner for submission in submissions] == ["alice", "bob", "carol", "dave", "erin", "fred"]
    for submission in submissions:
        assert submission.refused is None and submission.staged == tmp_path / "staging" / submission.learner
        assert files_under(submission.staged) == {"exercises/activations.py": MODULE}
        assert stat.S_IMODE((submission.staged / "exercises" / "activations.py").stat().st_mode) == 0o644
        json.dumps(submission.to_dict())
    assert submissions[1].notes == ["skipped __MACOSX/ (1 entry)"]
    assert snapshot(subs) == before


ESCAPES = [("../../evil.py", "climbs out"), ("exercises/../../../evil.py", "climbs out"),
           ("/tmp/evil.py", "absolute path"), ("C:/evil.py", "absolute path"), ("..\\..\\evil.py", "climbs out")]


@pytest.mark.parametrize("name, problem", ESCAPES)
@pytest.mark.parametrize("archive", ["zip", "tar"])
def test_a_member_escaping_the_staged_folder_refuses_the_submission(tmp_path, subs, name, problem, archive):
    if archive == "zip":
        write_zip(subs / "mallory.zip", {"exercises/linear.py": MODULE, name: b"pwned"})
    else:
        write_tar(subs / "mallory.tgz", [tar_member("exercises/linear.py", MODULE), tar_member(name, b"pwned")])
    reason = refusal(tmp_path)
    assert problem in reason and f"'{name}'" in reason
    assert not list(tmp_path.parent.rglob("evil.py"))


@pytest.mark.parametrize("kind, problem", [(tarfile.SYMTYPE, "symbolic link"), (tarfile.LNKTYPE, "hard link"),
                                           (tarfile.CHRTYPE, "device file"), (tarfile.BLKTYPE, "device file"),
                                           (tarfile.FIFOTYPE, "fifo")])
def test_links_and_special_files_in_a_tar_refuse_it(tmp_path, subs, kind, problem):
    member = tar_member("exercises/linear.py", kind=kind, linkname="/etc/passwd")
    write_tar(subs / "mallory.tar.gz", [tar_member("exercises/softmax.py", MODULE), member])
    reason = refusal(tmp_path)
    assert f"'exercises/linear.py' is a {problem}" in reason and "resubmit" in reason


def test_a_symlink_in_a_zip_refuses_it(tmp_path, subs):
    link = zipfile.ZipInfo("exercises/linear.py")
    link.create_system, link.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(subs / "mallory.zip", "w") as archive:
        archive.writestr(link, "/etc/passwd")
    assert "'exercises/linear.py' is a symbolic link" in refusal(tmp_path)


def test_a_symlink_in_a_submitted_folder_is_not_followed(tmp_path, subs):
    (subs / "mallory" / "exercises").mkdir(parents=True)
    (subs / "mallory" / "exercises" / "linear.py").symlink_to("/etc/passwd")
    assert "'exercises/linear.py' is a symbolic link" in refusal(tmp_path)
    assert not list((tmp_path / "staging").rglob("linear.py"))


def test_a_zip_bomb_is_refused_without_being_written(tmp_path, subs):
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(subs / "bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("exercises/linear.py", "w") as member:
            for _ in range(100):
                member.write(zeros)
    assert (subs / "bomb.zip").stat().st_size < 1 << 20
    assert "'exercises/linear.py' is larger than 5 MiB unpacked" in refusal(tmp_path)
    lying = bytearray((subs / "bomb.zip").read_bytes())  # headers that declare 1000 bytes for the 100 MB
    for at in (lying.index(b"PK\x03\x04") + 22, lying.rindex(b"PK\x01\x02") + 24):
        lying[at:at + 4] = struct.pack("<I", 1000)
    (subs / "bomb.zip").write_bytes(lying)
    assert "not a readable zip archive" in refusal(tmp_path)


@pytest.mark.parametrize("limits, problem", [(UnpackLimits(file_bytes=1 << 20), "larger than 1 MiB unpacked"),
                                             (UnpackLimits(total_bytes=1 << 20), "add up to more than 1 MiB")])
def test_the_caps_count_the_bytes_written_not_the_sizes_declared(tmp_path, limits, problem):
    lying = _Member("exercises/linear.py", "file", size=10, open=lambda: io.BytesIO(bytes(3 << 20)))
    with pytest.raises(Refusal, match=problem):
        _Stager(tmp_path, limits).add(lying)
    assert (tmp_path / "exercises" / "linear.py").stat().st_size <= 1 << 20


def test_a_tar_whose_headers_unpack_past_the_cap_is_refused(tmp_path, subs):
    write_tar(subs / "bomb.tgz", [tar_member("x" * (4 << 20) + "/linear.py", MODULE)])
    assert "the archive unpacks to more than 1.2 MiB" in refusal(tmp_path, SMALL)


def test_files_adding_up_past_the_cap_are_refused(tmp_path, subs):
    write_zip(subs / "big.zip", {f"data/{index}.bin": bytes(200 << 10) for index in range(6)})
    assert "the files add up to more than 1 MiB unpacked" in refusal(tmp_path, SMALL)


def test_too_many_files_are_refused(tmp_path, subs):
    write_tar(subs / "many.tar", [tar_member(f"notes/{index}.txt", b"x") for index in range(21)], "w")
    assert "more than 20 files and folders" in refusal(tmp_path, SMALL)


def renamed(raw: bytes, placeholder: bytes, replacement: bytes) -> bytes:
    """A zip's bytes with a name changed in its local header and its central directory (same length)."""
    assert raw.count(placeholder) == 2 and len(placeholder) == len(replacement)
    return raw.replace(placeholder, replacement)


def test_names_that_are_not_utf8_are_read_or_skipped_without_a_crash(tmp_path, subs):
    raw = write_zip(subs / "zoe.zip", {"exercises/linear.py": MODULE, "notes/caf@@@@.txt": b"1",
                                       "notes/na####ve.txt": b"2", "notes/bad%%%%.txt": b"3"}).read_bytes()
    raw = renamed(raw, b"@@@@", b"\x82\x82\x82\x82")      # cp437 bytes, as old Windows tools write them
    raw = renamed(raw, b"####", "ïï".encode())                # UTF-8 without the UTF-8 flag, as macOS writes
    raw = renamed(raw, b"%%%%", b"\x07abc")                   # a control character
    (subs / "zoe.zip").write_bytes(raw)
    write_tar(subs / "yann.tgz", [tar_member("exercises/linear.py", MODULE), tar_member("caf\udce9.txt", b"4")])
    zoe, yann = sorted(collect(subs, tmp_path / "staging"), key=lambda submission: submission.entry, reverse=True)
    assert zoe.refused is None and set(files_under(zoe.staged)) == {"exercises/linear.py", "notes/caféééé.txt",
                                                                     "notes/naïïve.txt"}
    why = "its name is not valid UTF-8 text (or holds control characters)"
    assert zoe.notes == [f"skipped 'notes/bad\\x07abc.txt': {why}"]
    assert yann.refused is None and set(files_under(yann.staged)) == {"exercises/linear.py"}
    assert yann.notes == [f"skipped 'caf\\xe9.txt': {why}"]
    json.dumps([zoe.to_dict(), yann.to_dict()])


def test_a_zip_flagged_utf8_with_a_name_that_is_not_is_refused(tmp_path, subs):
    raw = write_zip(subs / "zoe.zip", {"notes/éé.txt": b"1"}).read_bytes()
    (subs / "zoe.zip").write_bytes(renamed(raw, "éé".encode(), b"\xff\xfe\xff\xfe"))
    assert "marks its file names as UTF-8 but one is not" in refusal(tmp_path)


@pytest.mark.parametrize("damage", ["truncated", "not a zip"])
def test_a_damaged_zip_is_refused(tmp_path, subs, damage):
    raw = write_zip(subs / "zed.zip", {"exercises/linear.py": MODULE * 100}).read_bytes()
    (subs / "zed.zip").write_bytes(raw[:len(raw) // 2] if damage == "truncated" else b"%PDF-1.4 not a zip")
    reason = refusal(tmp_path)
    assert "'zed.zip' is not a readable zip archive" in reason and "create it again" in reason


@pytest.mark.parametrize("damage", ["truncated", "garbage after half the data"])
def test_a_damaged_tarball_is_refused(tmp_path, subs, damage):
    raw = write_tar(subs / "zed.tar", [tar_member("exercises/linear.py", os.urandom(64 << 10))], "w").read_bytes()
    damaged = gzip.compress(raw)[:len(raw) // 2] if damage == "truncated" else gzip.compress(raw[:32 << 10]) + b"junk"
    (subs / "zed.tar").unlink()
    (subs / "zed.tgz").write_bytes(damaged)
    assert "'zed.tgz' is not a readable tar archive" in refusal(tmp_path)


def test_duplicate_learner_ids_refuse_every_claimant_and_the_cohort_goes_on(tmp_path, subs):
    write_zip(subs / "ann.zip", {"exercises/linear.py": MODULE})
    (subs / "ann" / "exercises").mkdir(parents=True)
    (subs / "Bob.zip").write_bytes(b"garbage")
    (subs / "carl").mkdir()
    (subs / "carl" / "linear.py").write_bytes(MODULE)
    bob, ann_folder, ann_zip, carl = collect(subs, tmp_path / "staging")
    for submission in (ann_folder, ann_zip):
        assert submission.refused == ("2 submissions give the learner id 'ann': 'ann', 'ann.zip'; keep one of "
                                      "them in the submissions folder and grade again")
    assert "'Bob.zip' is not a readable zip archive" in bob.refused
    assert carl.refused is None and files_under(carl.staged) == {"linear.py": MODULE}
    assert sorted(path.name for path in (tmp_path / "staging").iterdir()) == ["carl"]


def test_odd_entry_names_get_safe_ids_and_odd_entries_are_refused(tmp_path, subs):
    write_zip(subs / "José Núñez (v2).zip", {"exercises/linear.py": MODULE})
    (subs / "notes.txt").write_text("hello")
    (subs / "link").symlink_to(tmp_path)
    os.mkfifo(subs / "pipe")
    jose, link, notes, pipe = sorted(collect(subs, tmp_path / "staging"), key=lambda submission: submission.entry)
    assert (jose.learner, jose.entry, jose.refused) == ("Jose-Nunez-v2", "José Núñez (v2).zip", None)
    assert jose.notes == ["learner id 'José Núñez (v2)' is staged as 'Jose-Nunez-v2'"]
    assert "'link' is a symbolic link" in link.refused
    assert "'notes.txt' is not a folder, a .zip, a .tar.gz" in notes.refused
    assert "'pipe' is not a folder" in pipe.refused


def test_staging_inside_the_submissions_is_refused(subs):
    with pytest.raises(ValueError, match="overlap"):
        collect(subs, subs / "staging")
    with pytest.raises(ValueError, match="not a folder"):
        collect(subs / "missing", subs.parent / "staging")
