"""`--format text`: findings as ruff and rustc print them, then a summary line.

app/services.py:14:9: SES001 `session.commit()` in a function that does not own ...
   |
14 |         session.commit()
   |         ^^^^^^^^^^^^^^^^
   = help: let the caller commit ...

Found 1 finding in 1 file (12 files checked).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sessionsafe.lint._file_errors import decode_source

if TYPE_CHECKING:
    from collections.abc import Callable

    from sessionsafe.lint.diagnostics import Diagnostic
    from sessionsafe.lint.runner import Report

    _Painter = Callable[[str, str], str]

_BOLD = "\x1b[1m"
_RED = "\x1b[1;31m"
_BLUE = "\x1b[1;34m"
_CYAN = "\x1b[36m"
_GREEN = "\x1b[1;32m"
_RESET = "\x1b[0m"
_TAB = "    "


def render(report: Report, *, color: bool = False) -> str:
    def paint(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if color else text

    sources: dict[str, list[str] | None] = {}
    blocks = []
    for diagnostic in report.diagnostics:
        if diagnostic.path not in sources:
            sources[diagnostic.path] = _lines(diagnostic.path)
        blocks.append(_block(diagnostic, sources[diagnostic.path], paint))
    blocks.append(_summary(report, paint))
    return "\n".join(blocks)


def _block(diagnostic: Diagnostic, lines: list[str] | None, paint: _Painter) -> str:
    d = diagnostic
    out = [f"{paint(f'{d.path}:{d.line}:{d.column}:', _BOLD)} {paint(d.code, _RED)} {d.message}"]
    if lines is not None and 0 < d.line <= len(lines):
        number = str(d.line)
        gutter = " " * len(number)
        text = lines[d.line - 1]
        start = len(text[: d.column - 1].replace("\t", _TAB))
        shown = text.replace("\t", _TAB).rstrip()
        if d.end_line == d.line:
            end = len(text[: d.end_column - 1].replace("\t", _TAB))
        else:
            end = len(shown)
        width = max(1, min(end, len(shown)) - start)
        out.append(paint(f"{gutter} |", _BLUE))
        out.append(f"{paint(f'{number} |', _BLUE)} {shown}")
        out.append(f"{paint(f'{gutter} |', _BLUE)} {' ' * start}{paint('^' * width, _RED)}")
        if d.help:
            out.append(f"{gutter} {paint('= help:', _CYAN)} {d.help}")
    elif d.help:
        out.append(f"  {paint('= help:', _CYAN)} {d.help}")
    return "\n".join(out) + "\n"


def _summary(report: Report, paint: _Painter) -> str:
    checked = _count(report.files_checked, "file")
    if not report.diagnostics:
        return paint(f"All checks passed ({checked} checked).", _GREEN) + "\n"
    found = _count(len(report.diagnostics), "finding")
    files = _count(report.files_with_findings, "file")
    return paint(f"Found {found} in {files} ({checked} checked).", _BOLD) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _lines(path: str) -> list[str] | None:
    try:
        with open(path, "rb") as handle:
            text = decode_source(handle.read(), path)
    except OSError:
        return None
    return None if not isinstance(text, str) else text.splitlines()
