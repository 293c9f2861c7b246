"""Build the example cohort of ``make demo`` from its recipe, examples/cohort.toml.

    python examples/build_cohort.py OUT_DIR

Each learner of the recipe becomes one entry of OUT_DIR (a folder, a .zip or a
.tar.gz), made from the kit's own files: the reference (solutions/), the stubs
(exercises/), mutants (tests/kit/mutants/) appended to a reference module, and
the files a learner wrote, kept beside the recipe. Nothing of solutions/ or
exercises/ is committed here; the entries are rebuilt identically every time
(archives carry fixed dates), so grading a rebuilt cohort again reuses its reports.
"""

from __future__ import annotations

import gzip
import io
import shutil
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RECIPE = EXAMPLES / "cohort.toml"
MUTANTS = ROOT / "tests" / "kit" / "mutants"
BASES = ("solutions", "exercises")
KEYS = ("base", "reference", "mutants", "files", "archive", "copy")
ARCHIVES = ("zip", "tar.gz")
FIXED_DATE = (2026, 1, 1, 0, 0, 0)


class RecipeError(ValueError):
    """A recipe entry that cannot be built; the message names the learner, the key and the fix."""


def build_cohort(out: Path, recipe: Path = RECIPE) -> list[Path]:
    """Write every learner of ``recipe`` into ``out`` (replacing what an earlier build left); the entries."""
    learners = tomllib.loads(recipe.read_text(encoding="utf-8")).get("learners", {})
    out.mkdir(parents=True, exist_ok=True)
    return [build_learner(name, spec, out) for name, spec in learners.items()]


def build_learner(name: str, spec: dict, out: Path) -> Path:
    unknown = sorted(set(spec) - set(KEYS))
    if unknown:
        raise RecipeError(f"learner {name!r}: unknown key(s) {', '.join(unknown)}; the keys are {', '.join(KEYS)}")
    for stale in (out / name, out / f"{name}.zip", out / f"{name}.tar.gz"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)
    if "copy" in spec:
        return Path(shutil.copyfile(EXAMPLES / spec["copy"], out / Path(spec["copy"]).name))
    files = submission_files(name, spec)
    archive = spec.get("archive")
    if archive is None:
        for relative, content in files.items():
            (out / name / relative).parent.mkdir(parents=True, exist_ok=True)
            (out / name / relative).write_bytes(content)
        return out / name
    if archive not in ARCHIVES:
        raise RecipeError(f"learner {name!r}: archive = {archive!r}; use one of {', '.join(ARCHIVES)}")
    target = out / f"{name}.{archive}"
    target.write_bytes(_zip(files) if archive == "zip" else _tar_gz(files))
    return target


def submission_files(name: str, spec: dict) -> dict[str, bytes]:
    """Relative path -> content of one learner's submission."""
    base = spec.get("base")
    if base not in BASES:
        raise RecipeError(f"learner {name!r}: base = {base!r}; use one of {', '.join(BASES)}")
    files = {f"exercises/{path.name}": path.read_bytes() for path in sorted((ROOT / base).glob("*.py"))}
    for component in spec.get("reference", []):
        files[f"exercises/{component}.py"] = _module(name, "solutions", component)
    for mutant in spec.get("mutants", []):
        component, _, bug = mutant.partition("/")
        path = MUTANTS / component / f"{bug}.py"
        if not path.is_file():
            raise RecipeError(f"learner {name!r}: no mutant {mutant!r} (looked for {path.relative_to(ROOT)}); "
                              f"see tests/kit/mutants/")
        module = files.get(f"exercises/{component}.py") or _module(name, "solutions", component)
        files[f"exercises/{component}.py"] = module + f"\n\n# --- {mutant} ---\n".encode() + path.read_bytes()
    if "files" in spec:
        folder = EXAMPLES / spec["files"]
        if not folder.is_dir():
            raise RecipeError(f"learner {name!r}: files = {spec['files']!r} is not a folder of examples/")
        files.update({path.relative_to(folder).as_posix(): path.read_bytes()
                      for path in sorted(folder.rglob("*")) if path.is_file() and "__pycache__" not in path.parts})
    return files


def _module(name: str, base: str, component: str) -> bytes:
    path = ROOT / base / f"{component}.py"
    if not path.is_file():
        raise RecipeError(f"learner {name!r}: no component {component!r} in {base}/")
    return path.read_bytes()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, content in sorted(files.items()):
            info = zipfile.ZipInfo(relative, date_time=FIXED_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def _tar_gz(files: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        for relative, content in sorted(files.items()):
            info = tarfile.TarInfo(relative)
            info.size, info.mode, info.mtime = len(content), 0o644, 0
            archive.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue(), mtime=0)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python examples/build_cohort.py OUT_DIR", file=sys.stderr)
        return 2
    try:
        entries = build_cohort(Path(argv[0]))
    except RecipeError as error:
        print(f"error: {RECIPE.relative_to(ROOT)}: {error}", file=sys.stderr)
        return 2
    print(f"built {len(entries)} submissions in {argv[0]}: {', '.join(entry.name for entry in entries)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
