"""Settings of a run: `[tool.sessionsafe]` in pyproject.toml plus command-line overrides.

`Settings` is the resolved, immutable result the engine reads. Loading and
validation (`load_settings`) report bad input as `ConfigError`, whose message
names the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ConfigError(Exception):
    """A configuration problem the user must fix; the CLI prints it and exits with 2."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What to check and how; hashable, so it can key the cache."""

    #: Rule codes that run (after select / ignore / extend-select are resolved).
    enabled: frozenset[str] = frozenset()
    #: (glob, codes) pairs: codes ignored in files matching the glob.
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    #: Globs of paths never discovered (an explicitly named file is still checked).
    exclude: tuple[str, ...] = ()
    #: Extra dotted or bare names whose call produces a session (or a factory).
    session_factories: tuple[str, ...] = ()
    #: Extra decorators that make a function a session owner (`celery_app.task`).
    lifecycle_decorators: tuple[str, ...] = ()
    #: Directory the relative globs and module names are resolved against.
    root: str = field(default=".", compare=False)
