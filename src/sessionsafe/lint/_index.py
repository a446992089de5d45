"""The project index: what each module of the checked project offers to the others.

Plain, picklable data: summaries travel to worker processes and are cached by file
content. They live apart from the analysis (`analysis.project` makes them) so that
reading the cache, and a run answered from it, imports no part of the analyzer.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class HelperSummary:
    """What a module-level function does to the session it is given."""

    #: Positional index and name of the parameter the facts below are about;
    #: -1 and "" for a fact about the function itself (`always_raises`); -1 and the
    #: qualified name of a global session (`billing.db.Session`, `app.db.session`) for
    #: what the function does to that session.
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
    #: mapped to the kind of factory ("sync", "async", "scoped", "async_scoped",
    #: "flask_sqlalchemy").
    factories: dict[str, str] = field(default_factory=dict)
    #: Module-level names bound to one shared session instance ("sync" or "async").
    sessions: dict[str, str] = field(default_factory=dict)
    #: Functions that roll back / close / commit a session parameter, or always raise.
    helpers: dict[str, tuple[HelperSummary, ...]] = field(default_factory=dict)
    #: Functions that produce a session for their caller (`get_db`, `yield` dependencies):
    #: "yield", "return", "async_yield", "async_return", with "_commits" appended when the
    #: provider commits the session it handed out (after `yield`).
    providers: dict[str, str] = field(default_factory=dict)
    #: Type aliases of an (injected) session: `SessionDep = Annotated[Session, Depends(get_db)]`
    #: -> "sync:get_db" / "async:get_db" ("sync:" when no provider is named); a plain type
    #: alias (`AsyncSession = NewType("AsyncSession", _AsyncSession)`) -> "sync" / "async".
    session_aliases: dict[str, str] = field(default_factory=dict)
    #: Names imported at module level -> their qualified origin, to follow re-exports
    #: (`from .database import SessionLocal` in a package `__init__`).
    reexports: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProjectIndex:
    """Every module summary of the checked project, by dotted module name."""

    modules: dict[str, ModuleSummary] = field(default_factory=dict)
    _found: dict[str, str | None] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )
    #: Last component of a module name -> the modules ending in it, built on first use.
    _by_last: dict[str, list[str]] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    @classmethod
    def empty(cls) -> ProjectIndex:
        return cls()

    def module(self, name: str) -> ModuleSummary | None:
        found = self.find_module(name)
        return None if found is None else self.modules[found]

    def find_module(self, name: str) -> str | None:
        """The indexed module a dotted import path names, tolerating a `src.` style prefix."""
        if name in self.modules:
            return name
        if name in self._found:
            return self._found[name]
        match: str | None = None
        suffix = "." + name
        candidates = [m for m in self._ending_like(name) if m.endswith(suffix)]
        if len(candidates) == 1:
            match = candidates[0]
        else:
            parts = name.split(".")
            for start in range(1, len(parts) - 1):
                shorter = ".".join(parts[start:])
                if shorter in self.modules:
                    match = shorter
                    break
        self._found[name] = match
        return match

    def _ending_like(self, name: str) -> list[str]:
        """The modules whose last component is `name`'s (only they can end in `.name`)."""
        if not self._by_last and self.modules:
            for module in self.modules:
                self._by_last.setdefault(module.rpartition(".")[2], []).append(module)
        return self._by_last.get(name.rpartition(".")[2], [])

    def lookup(self, qualified: str, table: str, depth: int = 0) -> str | None:
        """What `table` of the defining module says about `qualified` (`app.db.SessionLocal`).

        Returns the entry, `""` when the module is indexed but the name is not
        in that table, or `None` when no indexed module defines the name.
        """
        if not self.modules or depth > 5:
            return None
        module_name, _, name = qualified.rpartition(".")
        if not module_name:
            return None
        found = self.find_module(module_name)
        if found is None:
            return None
        summary = self.modules[found]
        entries: dict[str, str] = getattr(summary, table)
        if name in entries:
            return entries[name]
        origin = summary.reexports.get(name)
        if origin is not None and origin != qualified:
            # Re-exported from a module outside the project (or not checked): unknown, so
            # conventions still apply.
            return self.lookup(origin, table, depth + 1)
        return ""

    def helpers(self, qualified: str) -> tuple[HelperSummary, ...] | None:
        """The helper facts of the function `qualified` names, if an indexed module defines it."""
        module_name, _, name = qualified.rpartition(".")
        found = self.find_module(module_name) if module_name else None
        if found is None:
            return None
        summary = self.modules[found]
        if name in summary.helpers:
            return summary.helpers[name]
        origin = summary.reexports.get(name)
        if origin is not None and origin != qualified and origin.count(".") < 12:
            return self.helpers(origin)
        return None
