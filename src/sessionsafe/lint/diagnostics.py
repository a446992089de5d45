"""What a check reports: a `Diagnostic`, with an optional `Fix` made of `Edit`s."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Applicability(enum.Enum):
    """Whether a fix may be applied without review."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two 1-based (line, column) positions with `content`."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A set of edits that resolves one finding."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a rule code at a span of a file.

    Lines are 1-based; columns are 1-based and counted in characters (not the
    UTF-8 byte offsets `ast` uses). `end_line`/`end_column` delimit the span
    (end exclusive).
    """

    code: str
    name: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    help: str | None = None
    fix: Fix | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
