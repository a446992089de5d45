"""`.gitignore` files, matched the way git matches them.

Implemented: comments and blank lines; trailing spaces (unless escaped);
`!` negation (the last matching pattern wins, deeper files after shallower
ones); a trailing `/` matches directories only; a pattern with a `/` at the
start or in the middle is anchored to the `.gitignore`'s directory, one
without matches a name at any depth; `*`, `?`, `[...]`, `**`. As in git, a
file inside an ignored directory cannot be re-included (the walk never
enters that directory).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from sessionsafe.lint._globs import translate


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool


@dataclass(frozen=True, slots=True)
class IgnoreFile:
    """The patterns of one ignore file and the directory they are relative to."""

    base: str
    patterns: tuple[_Pattern, ...]

    @classmethod
    def parse(cls, text: str, base: str) -> IgnoreFile:
        return cls(base, tuple(p for p in map(_parse_line, text.splitlines()) if p is not None))

    @classmethod
    def load(cls, path: str) -> IgnoreFile | None:
        """The ignore file at `path`, or None if there is none (or it cannot be read)."""
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            return None
        return cls.parse(text, os.path.dirname(os.path.abspath(path)))

    def decide(self, path: str, is_dir: bool) -> bool | None:
        """Whether this file ignores the absolute `path` (below `base`).

        True if ignored, False if re-included by a `!` pattern, None if no pattern matches.
        """
        prefix = self.base.rstrip(os.sep) + os.sep
        if not path.startswith(prefix):
            return None
        relative = path[len(prefix) :].replace(os.sep, "/")
        for pattern in reversed(self.patterns):
            if pattern.directory_only and not is_dir:
                continue
            if pattern.regex.match(relative):
                return not pattern.negated
        return None


def _parse_line(line: str) -> _Pattern | None:
    if not line or line.startswith("#"):
        return None
    line = _strip_trailing_spaces(line)
    negated = line.startswith("!")
    if negated or line.startswith(("\\!", "\\#")):
        line = line[1:]
    directory_only = line.endswith("/")
    body = line.rstrip("/")
    if not body:
        return None
    if "/" in body:
        regex = translate(body.lstrip("/"))
    else:
        regex = "(?:.*/)?" + translate(body)
    return _Pattern(re.compile(regex + r"\Z", re.S), negated, directory_only)


def _strip_trailing_spaces(line: str) -> str:
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        return stripped[:-1] + " "
    return stripped


def is_ignored(stack: tuple[IgnoreFile, ...], path: str, is_dir: bool) -> bool:
    """Whether the ignore files in `stack` (outermost first) ignore the absolute `path`."""
    for ignore_file in reversed(stack):
        decision = ignore_file.decide(path, is_dir)
        if decision is not None:
            return decision
    return False


def ancestor_ignore_files(directory: str) -> tuple[IgnoreFile, ...]:
    """The ignore files that apply to `directory` from above it, outermost first.

    Inside a git work tree those are `.git/info/exclude` and the `.gitignore`
    of every directory from the repository root down to (not including)
    `directory`; outside one, none.
    """
    directory = os.path.abspath(directory)
    ancestors: list[str] = []
    current = directory
    while True:
        parent = os.path.dirname(current)
        if os.path.exists(os.path.join(current, ".git")):
            break
        if parent == current:
            return ()
        ancestors.append(parent)
        current = parent
    root = current
    found: list[IgnoreFile] = []
    exclude = IgnoreFile.load(os.path.join(root, ".git", "info", "exclude"))
    if exclude is not None:
        found.append(IgnoreFile(root, exclude.patterns))
    for ancestor in reversed(ancestors):
        ignore_file = IgnoreFile.load(os.path.join(ancestor, ".gitignore"))
        if ignore_file is not None:
            found.append(ignore_file)
    return tuple(found)
