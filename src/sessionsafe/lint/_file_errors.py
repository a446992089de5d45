"""Findings about a file that cannot be analysed: SES900-SES903.

Bad input never stops a run and never shows a traceback: the file gets one
of these findings and the other files are still checked.

- SES900 internal-error: sessionsafe itself failed on the file (a bug to report).
- SES901 syntax-error: Python cannot parse the file.
- SES902 not-python-text: NUL bytes (a binary file), or not valid in its encoding.
- SES903 unreadable-file: the file or directory cannot be read (permissions, a link loop).
"""

from __future__ import annotations

import codecs
import re
import sys

from sessionsafe.lint.diagnostics import Diagnostic

NAMES = {
    "SES900": "internal-error",
    "SES901": "syntax-error",
    "SES902": "not-python-text",
    "SES903": "unreadable-file",
}

#: One-line summaries for `sessionsafe rules`.
SUMMARIES = {
    "SES900": "sessionsafe failed on this file; please report it with the file attached.",
    "SES901": "The file is not valid Python syntax, so it cannot be analysed.",
    "SES902": "The file holds NUL bytes or is not valid in its declared encoding.",
    "SES903": "The file or directory cannot be read (permissions, a symbolic link loop).",
}

HELP = {
    "SES900": "please report this at https://github.com/sessionsafe/sessionsafe/issues "
    "with the file (or a reduced copy); the other files were checked",
    "SES901": "fix the syntax error; if the code is valid for a newer Python, run sessionsafe "
    f"under that Python (this one is {sys.version_info.major}.{sys.version_info.minor})",
    "SES902": "save the file as UTF-8 text, declare its encoding with a `# -*- coding: ... -*-` "
    "line, or exclude it with the `exclude` setting",
    "SES903": "make it readable by the user running sessionsafe, or exclude it with "
    "the `exclude` setting",
}

# PEP 263: a coding declaration in a comment on the first or second line.
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.M)


def file_error(
    code: str,
    path: str,
    message: str,
    line: int = 1,
    column: int = 1,
    end_line: int | None = None,
    end_column: int | None = None,
) -> Diagnostic:
    """A finding of one of the SES90x codes at the given (1-based) position."""
    end_line = end_line if end_line is not None and end_line >= line else line
    if end_column is None or (end_line == line and end_column <= column):
        end_column = column + 1
    return Diagnostic(
        code=code,
        name=NAMES[code],
        message=message,
        path=path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        help=HELP[code],
    )


def decode_source(data: bytes, path: str) -> str | Diagnostic:
    """The text of a Python source file, or the SES902 finding saying why it is not text."""
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        column = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        return file_error(
            "SES902",
            path,
            "contains NUL bytes; this looks like a binary file, not Python source",
            line,
            column,
        )
    encoding = _declared_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return file_error(
            "SES902",
            path,
            f"is not valid {encoding} text: byte 0x{data[error.start]:02x} cannot be decoded",
            line,
            column,
        )
    return text.removeprefix("\ufeff")


def _declared_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    head = data[: data.find(b"\n", data.find(b"\n") + 1) if b"\n" in data else len(data)]
    match = _CODING.search(head)
    if match is None:
        return "utf-8"
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return "utf-8"


def syntax_error(error: SyntaxError, path: str) -> Diagnostic:
    """SES901 for a `SyntaxError` raised by `ast.parse`, at the parser's position."""
    line = error.lineno or 1
    column = error.offset or 1
    end_line = getattr(error, "end_lineno", None)
    end_column = getattr(error, "end_offset", None)
    kind = "indentation error" if isinstance(error, IndentationError) else "syntax error"
    return file_error(
        "SES901", path, f"{kind}: {error.msg}", line, column, end_line or line, end_column
    )


def too_deeply_nested(path: str) -> Diagnostic:
    """SES901 for source nested deeper than Python's parser accepts."""
    return file_error(
        "SES901", path, "syntax error: too deeply nested for Python's parser (recursion limit)"
    )


def unreadable(path: str, reason: str) -> Diagnostic:
    """SES903 for a file or directory that cannot be read."""
    return file_error("SES903", path, f"cannot read: {reason}")


def internal_error(path: str, error: BaseException) -> Diagnostic:
    """SES900 for an unexpected exception of the analyzer on this file."""
    return file_error(
        "SES900",
        path,
        f"sessionsafe failed on this file: {type(error).__name__}: {error}",
    )
