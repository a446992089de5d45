"""Cross-file summaries: what each module of the project offers to the others.

The runner summarises every module first (`summarize_module`), merges the
summaries into a `ProjectIndex`, and hands that index to every file's
analysis, so `from app.db import SessionLocal` in one file and a
`handle_db_error(session)` helper defined in another are understood.
Summaries are plain, picklable data: they travel to worker processes and are
cached by file content.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class HelperSummary:
    """What a module-level function does to the session it is given."""

    #: Positional index and name of the parameter the facts below are about.
    parameter_index: int
    parameter_name: str
    rolls_back: bool = False
    closes: bool = False
    commits: bool = False
    #: The function raises on every path (a "re-raise helper").
    always_raises: bool = False


@dataclass(frozen=True, slots=True)
class ModuleSummary:
    """What one module defines that other modules may import."""

    module: str
    #: Module-level names bound to a session factory (`SessionLocal = sessionmaker(...)`),
    #: mapped to the kind of factory ("sync", "async", "scoped", "flask_sqlalchemy").
    factories: dict[str, str] = field(default_factory=dict)
    #: Module-level names bound to one shared session instance.
    sessions: dict[str, str] = field(default_factory=dict)
    #: Functions that roll back / close / commit a session parameter, or always raise.
    helpers: dict[str, tuple[HelperSummary, ...]] = field(default_factory=dict)
    #: Functions that produce a session for their caller (`get_db`, `yield` dependencies).
    providers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProjectIndex:
    """Every module summary of the checked project, by dotted module name."""

    modules: dict[str, ModuleSummary] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> ProjectIndex:
        return cls()

    def module(self, name: str) -> ModuleSummary | None:
        return self.modules.get(name)
