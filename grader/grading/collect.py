"""Stage 1 of grading: each entry of SUBMISSIONS_DIR becomes one learner's staged folder.

An entry is a folder, a ``.zip`` or a tar archive (``.tar``, ``.tar.gz``, ``.tgz``; bzip2 and xz
tarballs too); the learner id is its name without the archive suffix, mapped to a safe folder
name. Everything is read, never modified, and unpacked under ``staging/<id>/`` by one writer
that checks every member before it writes it: relative paths only, regular files and folders
only (links, devices and fifos refuse the submission), caps on the number of entries, on each
file and on the total, counted on the bytes actually written. A submission that breaks a rule is
refused with the reason and what to do; the rest of the cohort goes on. Names that are not valid
UTF-8 (or hold control characters) cannot be an exercise file: they are skipped with a note.
"""

from __future__ import annotations

import bz2
import errno
import gzip
import hashlib
import lzma
import os
import re
import shutil
import stat
import tarfile
import unicodedata
import zipfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

MIB = 1 << 20
CHUNK = 1 << 16
ZIP_SUFFIXES = (".zip",)
TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
ACCEPTED = "a folder, a .zip, a .tar.gz, a .tgz or a .tar"
# Skipped wherever they appear in a submission (operating-system and tool debris, never graded).
JUNK_NAMES = frozenset({"__MACOSX", ".DS_Store", ".git", "__pycache__"})
ONLY_EXERCISES = "submit only your exercises/ folder"


@dataclass(frozen=True)
class UnpackLimits:
    total_bytes: int = 20 * MIB     # all files of one submission together, unpacked
    files: int = 2000               # files and folders of one submission
    file_bytes: int = 5 * MIB       # any one file, unpacked

    @property
    def archive_bytes(self) -> int:
        """The most an archive, or a tar stream once decompressed, may hold: the files plus headers."""
        return self.total_bytes + self.files * 8192 + 65536


@dataclass
class Submission:
    """One learner's entry of SUBMISSIONS_DIR, staged or refused."""

    learner: str                    # the safe id: the staged folder's name
    entry: str                      # the entry's name in SUBMISSIONS_DIR, as submitted
    staged: Path | None = None      # staging/<learner>/, None when refused
    refused: str | None = None      # why, and what the learner should do
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"learner": self.learner, "entry": self.entry,
                "staged": None if self.staged is None else str(self.staged),
                "refused": self.refused, "notes": list(self.notes)}


class Refusal(Exception):
    """A submission that cannot be staged; the message says why and what to do."""


class StagingError(RuntimeError):
    """Writing under the staging folder failed for a reason of the grading machine (disk full...)."""


def collect(submissions_dir: Path, staging: Path, *, limits: UnpackLimits = UnpackLimits()) -> list[Submission]:
    """Stage every entry of ``submissions_dir`` under ``staging``; one Submission per learner, by entry name."""
    submissions_dir, staging = Path(submissions_dir), Path(staging)
    if not submissions_dir.is_dir():
        raise ValueError(f"{submissions_dir} is not a folder: pass the folder that holds one folder or "
                         f"archive per learner")
    inside, outside = submissions_dir.resolve(), staging.resolve()
    if outside.is_relative_to(inside) or inside.is_relative_to(outside):
        raise ValueError(f"the staging folder {staging} and the submissions folder {submissions_dir} overlap: "
                         f"stage somewhere outside the submissions (the grader never writes there)")
    entries = sorted((entry for entry in os.scandir(submissions_dir)  # hidden entries are not learners
                      if not entry.name.startswith(".") and entry.name != "__MACOSX"), key=lambda entry: entry.name)
    ids = {entry.name: safe_id(_learner_name(entry)) for entry in entries}
    claims = Counter(learner.casefold() for learner in ids.values())
    submissions = []
    for entry in entries:
        submission = Submission(ids[entry.name], _readable(entry.name))
        if ids[entry.name] != _learner_name(entry):
            submission.notes.append(f"learner id {_quoted(_learner_name(entry))} is staged as {ids[entry.name]!r}")
        try:
            if claims[ids[entry.name].casefold()] > 1:
                raise Refusal(_duplicate_message(entry.name, ids))
            submission.notes += _stage(entry, staging / ids[entry.name], limits)
            submission.staged = staging / ids[entry.name]
        except Refusal as refusal:
            submission.refused = str(refusal)
        submissions.append(submission)
    return submissions


def safe_id(name: str) -> str:
    """``name`` as a folder name: ASCII letters, digits, ``.``, ``_`` and ``-`` (a hash when nothing is left)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip(".-")[:64]
    digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return slug or f"learner-{digest}"


def _archive_suffix(entry: os.DirEntry) -> str | None:
    """The archive suffix ending the name of a regular file, in the name's own case."""
    lower = entry.name.lower()
    if entry.is_file(follow_symlinks=False):
        for suffix in ZIP_SUFFIXES + TAR_SUFFIXES:
            if lower.endswith(suffix) and len(lower) > len(suffix):
                return entry.name[-len(suffix):]
    return None


def _learner_name(entry: os.DirEntry) -> str:
    suffix = _archive_suffix(entry)
    return entry.name[:-len(suffix)] if suffix else entry.name


def _duplicate_message(name: str, ids: dict[str, str]) -> str:
    rivals = sorted(other for other, learner in ids.items() if learner.casefold() == ids[name].casefold())
    listed = ", ".join(_quoted(other) for other in rivals)
    return (f"{len(rivals)} submissions give the learner id {ids[name]!r}: {listed}; "
            f"keep one of them in the submissions folder and grade again")


def _readable(name: str) -> str:
    """``name`` as printable text: control characters and bytes that were not UTF-8 become ``\\xNN``."""
    try:
        text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        text = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return re.sub(r"[\x00-\x1f\x7f]", lambda control: f"\\x{ord(control.group()):02x}", text)


def _quoted(name: str) -> str:
    return f"'{_readable(name)}'"


def _stage(entry: os.DirEntry, dest: Path, limits: UnpackLimits) -> list[str]:
    """Unpack ``entry`` into a fresh ``dest``; its notes, or a Refusal (and nothing left in ``dest``)."""
    name, suffix = _quoted(entry.name), _archive_suffix(entry)
    if entry.is_symlink():
        raise Refusal(f"{name} is a symbolic link, which the grader does not follow: put the folder or archive "
                      f"itself in the submissions folder")
    if entry.is_dir(follow_symlinks=False):
        what = "folder"
    elif suffix:
        what = "zip" if suffix.lower() in ZIP_SUFFIXES else "tar"
        size = entry.stat(follow_symlinks=False).st_size
        if size > limits.archive_bytes:
            raise Refusal(f"{name} is {size / MIB:.1f} MiB, over the {limits.archive_bytes / MIB:.1f} MiB an "
                          f"archive may be: {ONLY_EXERCISES}")
    else:
        raise Refusal(f"{name} is not {ACCEPTED}: submit the folder that holds exercises/, or an archive of it")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    stager = _Stager(dest, limits)
    try:
        _read(what, Path(entry.path), stager)
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    return stager.notes()


def _read(what: str, path: Path, stager: _Stager) -> None:
    try:
        READERS[what](path, stager)
    except (Refusal, StagingError):
        raise
    except Exception as error:  # whatever a damaged archive (or an unreadable folder) raises: one learner only
        problem, name = f"{type(error).__name__}: {error}", _quoted(path.name)
        if what == "folder":
            raise Refusal(f"{name} could not be read ({problem}): make it readable and grade again") from error
        raise Refusal(f"{name} is not a readable {what} archive ({problem}); it may be damaged, cut short or "
                      f"another format renamed: create it again and resubmit") from error


@dataclass
class _Member:
    name: str                        # its path inside the submission, as stored ("/" between folders)
    kind: str                        # "file", "folder", or what it is instead ("symbolic link", "fifo", ...)
    size: int = 0                    # the size it declares; the writer counts what it really gets
    open: Callable[[], BinaryIO] | None = None


class _Stager:
    """The one writer of a staged folder: checks each member, then writes it with the caps enforced."""

    def __init__(self, dest: Path, limits: UnpackLimits):
        self.dest, self.limits = dest, limits
        self.entries = self.declared = self.written = 0
        self.skipped: Counter[str] = Counter()
        self.unreadable: list[str] = []

    def add(self, member: _Member) -> bool:
        """Check and write ``member``; False when it was skipped (a folder reader then does not descend)."""
        parts = _relative_parts(member.name)
        if not parts:
            return False
        if not _representable(member.name):
            self.unreadable.append(member.name)
            return False
        junk = next((part for part in parts if part in JUNK_NAMES), None)
        if junk is not None:
            self.skipped[junk] += 1
            return False
        if member.kind not in ("file", "folder"):
            raise Refusal(f"{_quoted(member.name)} is a {member.kind}, not a regular file or folder; the grader "
                          f"accepts neither links nor special files: replace it with the file itself (or "
                          f"leave it out) and resubmit")
        self.entries += 1
        if self.entries > self.limits.files:
            raise Refusal(f"the submission holds more than {self.limits.files} files and folders: {ONLY_EXERCISES}")
        target = self.dest.joinpath(*parts)
        if member.kind == "folder":
            with _writing(member.name, target):
                target.mkdir(mode=0o755, parents=True, exist_ok=True)
        else:
            self._write(member, target)
        return True

    def _write(self, member: _Member, target: Path) -> None:
        self.declared += member.size
        if member.size > self.limits.file_bytes:
            raise self._too_big(member.name)
        if self.declared > self.limits.total_bytes:
            raise self._too_much()
        with _writing(member.name, target):
            target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            out = create_regular(target)
        with out, member.open() as source:
            size = 0
            while chunk := source.read(CHUNK):
                size += len(chunk)
                self.written += len(chunk)
                if size > self.limits.file_bytes:
                    raise self._too_big(member.name)
                if self.written > self.limits.total_bytes:
                    raise self._too_much()
                with _writing(member.name, target):
                    out.write(chunk)

    def _too_big(self, name: str) -> Refusal:
        return Refusal(f"{_quoted(name)} is larger than {self.limits.file_bytes / MIB:g} MiB unpacked: "
                       f"{ONLY_EXERCISES} (the grader reads exercises/<component>.py files only)")

    def _too_much(self) -> Refusal:
        return Refusal(f"the files add up to more than {self.limits.total_bytes / MIB:g} MiB unpacked: "
                       f"{ONLY_EXERCISES}")

    def notes(self) -> list[str]:
        notes = [f"skipped {name}{'' if name == '.DS_Store' else '/'} ({count} entr{'y' if count == 1 else 'ies'})"
                 for name, count in sorted(self.skipped.items())]
        return notes + [f"skipped {_quoted(name)}: its name is not valid UTF-8 text (or holds control characters)"
                        for name in self.unreadable]


@contextmanager
def _writing(name: str, target: Path) -> Iterator[None]:
    """Errors of writing under staging: a clash of names is the submission's fault, anything else the machine's."""
    try:
        yield
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        raise Refusal(f"{_quoted(name)} appears twice in the submission (or as both a file and a folder): "
                      f"create the archive again from a clean copy") from None
    except OSError as error:  # not the learner's: disk full, no permission on the staging folder
        raise StagingError(f"could not write {target}: {error}") from error


def _relative_parts(name: str) -> list[str]:
    """The folders and file name of ``name`` (``\\`` counts as ``/``), or a Refusal for a path that escapes."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or re.match(r"[A-Za-z]:", unified):
        raise Refusal(f"{_quoted(name)} is an absolute path; archives must hold relative paths such as "
                      f"exercises/linear.py: create the archive from inside the folder that holds exercises/")
    parts = [part for part in unified.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise Refusal(f"{_quoted(name)} climbs out of the submission with '..': create the archive again from the "
                      f"folder that holds exercises/")
    if len(unified) > 1024 or any(len(part.encode("utf-8", "surrogatepass")) > 255 for part in parts):
        raise Refusal(f"{_quoted(name[:80])}... is a path too long to unpack: {ONLY_EXERCISES}")
    return parts


def _representable(name: str) -> bool:
    return not any(ord(char) < 32 or ord(char) == 127 or 0xD800 <= ord(char) <= 0xDFFF for char in name)


def _read_folder(root: Path, stager: _Stager, prefix: str = "") -> None:
    """Copy a submitted folder without following links (a link refuses the submission, like a fifo)."""
    with os.scandir(root) as entries:
        for entry in sorted(entries, key=lambda entry: entry.name):
            info = entry.stat(follow_symlinks=False)
            name = prefix + entry.name
            kind = _kind_of_mode(info.st_mode)
            member = _Member(name, kind, info.st_size, partial(_open_regular, entry.path, name))
            if stager.add(member) and member.kind == "folder":
                _read_folder(Path(entry.path), stager, name + "/")


def _open_regular(path: str, name: str) -> BinaryIO:
    try:
        return open_regular(path)
    except OSError as error:
        raise Refusal(f"{_quoted(name)} could not be read ({error.strerror}): make it readable and grade again") \
            from None


def open_regular(path: str | Path) -> BinaryIO:
    """``path`` opened for reading when it is a regular file, never through a link; OSError otherwise."""
    # O_NOFOLLOW and the fstat close the window between listing a folder and reading the file.
    file = os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK), "rb")
    if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
        file.close()
        raise OSError(errno.EINVAL, "not a regular file")
    return file


def create_regular(target: Path) -> BinaryIO:
    """A new file at ``target``, mode 0644 whatever the umask (a sandboxed worker reads it), never over another."""
    file = os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644), "wb")
    os.fchmod(file.fileno(), 0o644)
    return file


_KIND_OF_FORMAT = {stat.S_IFLNK: "symbolic link", stat.S_IFCHR: "device file", stat.S_IFBLK: "device file",
                   stat.S_IFIFO: "fifo", stat.S_IFSOCK: "socket", stat.S_IFDIR: "folder", stat.S_IFREG: "file"}


def _kind_of_mode(mode: int) -> str:
    return _KIND_OF_FORMAT.get(stat.S_IFMT(mode), "special file")


def _read_zip(path: Path, stager: _Stager) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except UnicodeDecodeError:
        raise Refusal(f"{_quoted(path.name)} marks its file names as UTF-8 but one is not: create the zip again "
                      f"with your system's zip tool") from None
    with archive:
        for info in archive.infolist():
            name = _zip_name(info)
            if info.flag_bits & 0x1:
                raise Refusal(f"{_quoted(name)} is encrypted: submit the archive without a password")
            stager.add(_Member(name, _zip_kind(info), info.file_size, partial(archive.open, info)))


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name: zipfile reads names without the UTF-8 flag as cp437, though most such names are UTF-8."""
    if info.flag_bits & 0x800:
        return info.orig_filename
    try:
        return info.orig_filename.encode("cp437").decode("utf-8")
    except UnicodeError:
        return info.orig_filename


def _zip_kind(info: zipfile.ZipInfo) -> str:
    """What a zip member is: its Unix mode (high 16 bits of external_attr) marks links and special files."""
    mode = info.external_attr >> 16
    if info.is_dir():
        return "folder"
    return _kind_of_mode(mode) if stat.S_IFMT(mode) else "file"


def _read_tar(path: Path, stager: _Stager) -> None:
    # Our own checks rather than extractall(filter="data"): every archive format and a folder go through the
    # one writer above, the refusals name the member and the fix, and the byte caps hold on any Python 3.11.
    with open(path, "rb") as raw:
        stream = _CappedReader(_decompressed(raw), stager.limits)
        with tarfile.open(fileobj=stream, mode="r|", encoding="utf-8", errors="surrogateescape") as archive:
            for info in archive:
                stager.add(_Member(info.name, _tar_kind(info), info.size, partial(archive.extractfile, info)))


_DECOMPRESSORS = ((b"\x1f\x8b", lambda raw: gzip.GzipFile(fileobj=raw)), (b"BZh", bz2.BZ2File),
                  (b"\xfd7zXZ\x00", lzma.LZMAFile))


def _decompressed(raw: BinaryIO) -> BinaryIO:
    """The tar stream inside ``raw``, recognised by its first bytes rather than by the suffix."""
    magic = raw.read(6)
    raw.seek(0)
    return next((opener(raw) for prefix, opener in _DECOMPRESSORS if magic.startswith(prefix)), raw)


class _CappedReader:
    """A decompressed tar stream that refuses to yield more than an archive may hold (headers included)."""

    def __init__(self, source: BinaryIO, limits: UnpackLimits):
        self.source, self.limits, self.count = source, limits, 0

    def read(self, size: int = -1) -> bytes:
        allowed = self.limits.archive_bytes + 1 - self.count
        data = self.source.read(allowed if size < 0 else min(size, allowed))
        self.count += len(data)
        if self.count > self.limits.archive_bytes:
            raise Refusal(f"the archive unpacks to more than {self.limits.archive_bytes / MIB:.1f} MiB: "
                          f"{ONLY_EXERCISES}")
        return data


_TAR_KINDS = {tarfile.REGTYPE: "file", tarfile.AREGTYPE: "file", tarfile.CONTTYPE: "file", tarfile.DIRTYPE: "folder",
              tarfile.SYMTYPE: "symbolic link", tarfile.LNKTYPE: "hard link", tarfile.CHRTYPE: "device file",
              tarfile.BLKTYPE: "device file", tarfile.FIFOTYPE: "fifo", tarfile.GNUTYPE_SPARSE: "sparse file"}


def _tar_kind(info: tarfile.TarInfo) -> str:
    return _TAR_KINDS.get(info.type, "special file")


READERS: dict[str, Callable[[Path, _Stager], None]] = {"folder": _read_folder, "zip": _read_zip, "tar": _read_tar}
