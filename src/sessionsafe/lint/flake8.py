"""The flake8 plugin: the same rules, one file at a time (entry point `SES`).

flake8 hands over the parsed tree; the settings come from the nearest
`[tool.sessionsafe]` table, as for `sessionsafe check`, so `session-factories`
and `per-file-ignores` apply. flake8's own `--select`/`--extend-ignore` and
`# noqa` work as for any plugin. There is no project pass: a session factory
imported from another module is recognised by convention only.
"""

from __future__ import annotations

import ast
import functools
import os
from collections.abc import Iterator, Sequence

from sessionsafe import __version__
from sessionsafe.lint._prefilter import markers_for, may_contain_session_code
from sessionsafe.lint.config import CommandLineOptions, ConfigError, Settings, load_settings
from sessionsafe.lint.runner import check_file

#: (line, 0-based column, "CODE message", plugin class), as flake8 expects.
Flake8Result = tuple[int, int, str, type]


class SessionSafePlugin:
    """Reports sessionsafe's findings through flake8."""

    name = "sessionsafe"
    version = __version__

    def __init__(self, tree: ast.Module, filename: str, lines: Sequence[str]) -> None:
        self._tree = tree
        self._filename = filename
        self._lines = lines

    def run(self) -> Iterator[Flake8Result]:
        try:
            settings = _settings_for(os.path.dirname(os.path.abspath(self._filename)))
        except ConfigError as error:
            yield 1, 0, f"SES900 cannot use the sessionsafe configuration: {error}", type(self)
            return
        source = "".join(self._lines)
        if not may_contain_session_code(source, markers_for(settings)):
            return
        ignored = settings.ignored_in(self._filename)
        for finding in check_file(source, self._filename, settings, tree=self._tree):
            if finding.code not in ignored:
                message = f"{finding.code} {finding.message}"
                yield finding.line, finding.column - 1, message, type(self)


@functools.lru_cache(maxsize=64)
def _settings_for(directory: str) -> Settings:
    return load_settings([directory], CommandLineOptions())
