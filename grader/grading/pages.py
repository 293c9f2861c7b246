"""What the report and cohort stages share: self-contained HTML pages and atomic file writes.

Every page carries its CSS inline and loads nothing (no fonts, scripts or
images from elsewhere), so it reads the same offline, from a zip, or attached
to an e-mail. Every file is written to a temporary file beside it and moved into
place with ``os.replace``: a reader sees the old file or the new one, never half.
"""

from __future__ import annotations

import math
import os
import tempfile
from fractions import Fraction
from html import escape
from html.parser import HTMLParser
from pathlib import Path

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #1f2328; background: #fff; max-width: 980px; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.3rem; }
.subtitle { color: #59636e; margin-top: 0; }
.total { display: flex; align-items: center; gap: 1.5rem; margin: 1.2rem 0; padding: 1rem 1.2rem;
         border: 1px solid #d0d7de; border-radius: 8px; background: #f6f8fa; }
.total .figure { font-size: 2.2rem; font-weight: 700; white-space: nowrap; }
.total .percent { color: #59636e; font-size: 1.1rem; }
.total .bar { flex: 1; height: 16px; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0; }
th, td { text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid #e6e8eb; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
.number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.name { white-space: nowrap; font-weight: 600; }
a { color: #0969da; }
.small { color: #59636e; font-size: 0.85rem; }
.bar { background: #eaeef2; border-radius: 4px; height: 12px; min-width: 120px; overflow: hidden; }
.bar > div { height: 100%; }
.full > div { background: #2da44e; } .partial > div { background: #d4a72c; }
.zero { background: #ffebe9; } .zero > div { background: #cf222e; } .none > div { background: #8c959f; }
.group { border: 1px solid #d0d7de; border-radius: 8px; padding: 0.2rem 1rem 0.5rem; margin: 0.9rem 0; }
.group h3 { margin-top: 0.6rem; }
.group h3 .small { font-weight: 400; }
.count { color: #59636e; font-size: 0.85rem; white-space: nowrap; }
.group h3 .points { float: right; font-weight: 400; color: #59636e; }
.test { margin: 0.6rem 0 0; }
ul.feedback { margin: 0.2rem 0 0.6rem; padding-left: 1.3rem; }
ul.feedback li { margin: 0.15rem 0; }
code { background: #f6f8fa; padding: 0 0.25rem; border-radius: 4px; font-size: 0.9em; }
img { max-width: 100%; border: 1px solid #e6e8eb; border-radius: 6px; margin: 0.5rem 0; }
.ok { color: #1a7f37; font-weight: 600; }
"""

VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})


def page(title: str, body: str) -> str:
    """A complete HTML document around ``body`` (already HTML), titled ``title`` (plain text)."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def number(value: Fraction | float | int) -> str:
    """Points for display: at most 2 decimals, halves rounded up, no trailing zeros (10, 7.5, 4.29, 0.13)."""
    hundredths = math.floor(Fraction(value) * 100 + Fraction(1, 2))
    text = f"{hundredths // 100}.{hundredths % 100:02d}" if hundredths >= 0 else f"-{number(-Fraction(value))}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(points: Fraction | float, maximum: Fraction | float) -> str:
    return f"{100 * float(points) / float(maximum):.0f}%" if maximum else "n/a"


def bar(points: Fraction | float, maximum: Fraction | float) -> str:
    """A horizontal bar filled to points/maximum: green when full, amber when partial, red at 0."""
    if not maximum:
        return '<div class="bar none"><div style="width:0%"></div></div>'
    fraction = float(points) / float(maximum)
    kind = "full" if points >= maximum else "zero" if not points else "partial"
    return f'<div class="bar {kind}"><div style="width:{100 * fraction:.1f}%"></div></div>'


def table(headers: list[str], rows: list[list[str]], *, numeric: tuple[int, ...] = ()) -> str:
    """An HTML table; ``headers`` are plain text, cells are HTML; ``numeric`` columns align right."""
    def cells(tag: str, contents: list[str]) -> str:
        return "".join(f'<{tag} class="number">{content}</{tag}>' if index in numeric else f"<{tag}>{content}</{tag}>"
                       for index, content in enumerate(contents))

    body = "".join(f"<tr>{cells('td', row)}</tr>\n" for row in rows)
    return (f"<table>\n<thead><tr>{cells('th', [escape(header) for header in headers])}</tr></thead>\n"
            f"<tbody>\n{body}</tbody>\n</table>")


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would keep the reports from whoever hands them out
        with os.fdopen(handle, "wb") as file:
            file.write(data.encode("utf-8") if isinstance(data, str) else data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_files(folder: Path, files: dict[str, str | bytes]) -> dict[str, Path]:
    """Write every file of ``files`` (name: content) into ``folder``, each atomically; their paths."""
    return {name: write_atomic(Path(folder) / name, content) for name, content in files.items()}


class _TagBalance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            innermost = f"<{self.open[-1]}>" if self.open else "nothing"
            self.problems.append(f"</{tag}> at line {self.getpos()[0]} closes {innermost}")
        else:
            self.open.pop()


def unbalanced_tags(html: str) -> list[str]:
    """Tags closed out of order or never closed; empty for a page whose every opened tag is closed."""
    checker = _TagBalance()
    checker.feed(html)
    checker.close()
    return checker.problems + [f"<{tag}> never closed" for tag in checker.open]
