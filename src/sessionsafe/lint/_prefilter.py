"""The text pre-filter: skip, without parsing, a file that cannot contain session code.

Every rule reports something about a session: a session object, a session
factory, or a call on one (`commit`, `rollback`, `flush`, ...). A file can
only name one through one of these spellings, so a file containing none of
them has no finding and is not parsed:

- `ession`: `Session`, `session`, `sessionmaker`, `scoped_session`,
  `AsyncSession`, `async_sessionmaker`, `db.session`, `self.session`, and
  parameters or annotations using any of them; `ESSION` for constants;
- `commit`, `rollback`, `flush` (also `autoflush`), `begin(`: the session methods the
  rules look at, called on a session whose factory lives in an unchecked module;
- `sqlalchemy`, `SQLAlchemy`, `sqlmodel`: any import that could bind a session type
  under another name (`from sqlalchemy.orm import Session as S`), and Flask-SQLAlchemy;
- `db.` and `get_db`: the conventional names of sessions and their providers;
- the last component of every name in the `session-factories` setting;
- every factory, shared session and session provider name that the project's
  module summaries export (`SessionLocal`, `make_session`, ...), so that a module
  importing one under any name is parsed. These names are matched as whole
  identifiers (`mentions_any_name`): a module-level session named `ss` must not
  let through every file that says `class` or `pass`.

The test suite checks that every `bad` example of every rule passes the filter.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sessionsafe.lint._index import ProjectIndex
    from sessionsafe.lint.config import Settings

BASE_MARKERS: tuple[str, ...] = (
    "ession",
    "ESSION",
    "commit",
    "rollback",
    "flush",
    "begin(",
    "sqlalchemy",
    "SQLAlchemy",
    "sqlmodel",
    "db.",
    "get_db",
)


def markers_for(settings: Settings, project: ProjectIndex | None = None) -> tuple[str, ...]:
    """The markers of the filter for these settings and, when known, this project."""
    extra: set[str] = {name.rsplit(".", 1)[-1] for name in settings.session_factories}
    if project is not None:
        extra.update(_exported_names(project))
    return BASE_MARKERS + tuple(sorted(name for name in extra if not covered_by_markers(name)))


def _exported_names(project: ProjectIndex) -> Iterable[str]:
    for summary in project.modules.values():
        yield from summary.factories
        yield from summary.sessions
        yield from summary.providers


def covered_by_markers(name: str) -> bool:
    """Whether every text naming `name` already passes the filter."""
    return any(marker in name for marker in BASE_MARKERS)


def may_contain_session_code(source: str, markers: tuple[str, ...] = BASE_MARKERS) -> bool:
    """Whether `source` contains any marker, so it must be parsed and checked."""
    return any(marker in source for marker in markers)


def mentions_any_name(source: str, names: tuple[str, ...]) -> bool:
    """Whether `source` contains one of `names` as a whole identifier, not inside another word."""
    return bool(names) and _whole_names(names).search(source) is not None


@functools.lru_cache(maxsize=8)
def _whole_names(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
