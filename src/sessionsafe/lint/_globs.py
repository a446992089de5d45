"""Glob patterns as `.gitignore` writes them, compiled to regular expressions.

`*` and `?` never match `/`; `[...]` is a character class; `**` matches any
number of directories (`**/x`, `a/**/b`, `a/**`); a backslash escapes the
next character. The same syntax serves `.gitignore` files and the `exclude`
and `per-file-ignores` settings.
"""

from __future__ import annotations

import functools
import re


def translate(pattern: str) -> str:
    """The regular expression (without anchors) matching what `pattern` matches."""
    out: list[str] = []
    index = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if pattern.startswith("**/", index) and (index == 0 or pattern[index - 1] == "/"):
            out.append("(?:.*/)?")
            index += 3
        elif (
            pattern.startswith("**", index)
            and index + 2 == length
            and (index == 0 or pattern[index - 1] == "/")
        ):
            out.append(".*")
            index += 2
        elif char == "*":
            out.append("[^/]*")
            index += 1
        elif char == "?":
            out.append("[^/]")
            index += 1
        elif char == "[":
            end = _class_end(pattern, index)
            if end < 0:
                out.append(re.escape(char))
                index += 1
            else:
                out.append(_character_class(pattern[index + 1 : end]))
                index = end + 1
        elif char == "\\" and index + 1 < length:
            out.append(re.escape(pattern[index + 1]))
            index += 2
        else:
            out.append(re.escape(char))
            index += 1
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    """Index of the `]` closing the class opened at `start`, or -1."""
    index = start + 1
    if index < len(pattern) and pattern[index] in "!^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    return pattern.find("]", index)


def _character_class(body: str) -> str:
    negate = body[:1] in ("!", "^")
    if negate:
        body = body[1:]
    escaped = body.replace("\\", "\\\\").replace("[", "\\[")
    return f"[^/{escaped}]" if negate else f"[{escaped}]"


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    body = pattern.rstrip("/")
    if "/" in body:
        # Anchored at the root; also matches everything below a matching directory.
        return re.compile(translate(body.lstrip("/")) + r"(?:/.*)?\Z", re.S)
    # A bare name matches that name at any depth, and everything below it.
    return re.compile(r"(?:.*/)?" + translate(body) + r"(?:/.*)?\Z", re.S)


def glob_matches(pattern: str, relative_path: str) -> bool:
    """Whether a settings glob (`exclude`, `per-file-ignores`) matches a root-relative path.

    A pattern with a `/` is anchored at the project root (`src/legacy/**`,
    `app/models.py`); one without matches a file or directory name at any
    depth (`migrations`, `test_*.py`). A directory match covers its contents.
    """
    return _compiled(pattern).match(relative_path) is not None
