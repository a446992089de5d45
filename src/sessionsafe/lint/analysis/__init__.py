"""The semantic model of one file, built once before any rule runs.

Rules only ask the model: which expressions are sessions, which function owns
a session, what an `except` handler can catch and whether it rolls back or
re-raises. The answers come from the passes in this package:

- `names`: imports -> qualified names;
- `sessions`: which names/expressions are sessions, factories, async sessions;
- `ownership`: which functions own a session's lifecycle;
- `flow`: try/except/finally/with/loop regions;
- `project`: cross-file summaries.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sessionsafe.lint.analysis.project import ProjectIndex
from sessionsafe.lint.config import Settings
from sessionsafe.lint.diagnostics import Diagnostic, Fix
from sessionsafe.lint.noqa import NoqaMap, is_silenced, parse_noqa

if TYPE_CHECKING:
    from sessionsafe.lint.rule import Rule


class SemanticModel:
    """Everything the rules may ask about one parsed file."""

    def __init__(
        self,
        tree: ast.Module,
        source: str,
        path: str,
        settings: Settings,
        project: ProjectIndex,
    ) -> None:
        self.tree = tree
        self.source = source
        self.path = path
        self.settings = settings
        self.project = project
        self._lines = source.splitlines()
        self._noqa: NoqaMap = parse_noqa(source)

    @classmethod
    def build(
        cls,
        tree: ast.Module,
        source: str,
        path: str,
        settings: Settings,
        project: ProjectIndex,
    ) -> SemanticModel:
        return cls(tree, source, path, settings, project)

    def diagnostic(
        self, rule: Rule, node: ast.AST, message: str, help: str, fix: Fix | None
    ) -> Diagnostic:
        """A finding of `rule` anchored at `node`, with 1-based character columns."""
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        column = self._char_column(line, getattr(node, "col_offset", 0))
        end_column = self._char_column(end_line, getattr(node, "end_col_offset", None) or 0)
        if end_line == line and end_column <= column:
            end_column = column + 1
        return Diagnostic(
            code=rule.code,
            name=rule.name,
            message=message,
            path=self.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            help=help,
            fix=fix,
        )

    def apply_noqa(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """Drop the findings silenced by a `# noqa` comment on their anchor line."""
        return [d for d in diagnostics if not is_silenced(self._noqa, d.line, d.code)]

    def _char_column(self, line: int, byte_offset: int) -> int:
        """Convert `ast`'s UTF-8 byte offset on `line` to a 1-based character column."""
        if 0 < line <= len(self._lines):
            text = self._lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1
        return byte_offset + 1
