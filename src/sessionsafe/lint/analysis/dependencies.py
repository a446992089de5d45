"""FastAPI `yield` dependencies: their use sites and the commits they make after `yield`.

- `DependencyUses(model)`: every `Depends(f)` / `Security(f)` of the file (also inside
  `Annotated[...]` aliases), by the dependency's last name, with its `scope=`;
- `commits_after_yield(model, function)`: the session `commit()` calls a generator
  makes after its first `yield`;
- `may_be_dependency(model, function, uses)`: whether a generator is (or is likely)
  a FastAPI `yield` dependency rather than a context manager, fixture or lifespan;
- `dependencies_entering(model, context_manager, uses)`: the unsafe dependencies that
  yield inside `with context_manager(...)`, so its post-`yield` commit runs after the
  response too.

Since FastAPI 0.118 the code after `yield` of a dependency with the default
("request") scope runs after the response has been sent
(reference/landscape.md §2.4, reference/semantics.md §7).
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sessionsafe.lint.analysis.names import dotted_name
from sessionsafe.lint.analysis.sessions import SessionKind, SessionRef, parameters

if TYPE_CHECKING:
    from sessionsafe.lint.analysis import SemanticModel
    from sessionsafe.lint.analysis.structure import FunctionInfo

_DEPENDS = frozenset({"fastapi.Depends", "fastapi.params.Depends", "fastapi.Security"})
#: Decorators that make a generator something other than a FastAPI dependency.
_NOT_DEPENDENCY_DECORATORS = frozenset(
    {"contextmanager", "asynccontextmanager", "fixture", "yield_fixture", "cache", "lru_cache"}
)
#: Names under which a generator's use is visibly not `Depends(...)`.
_OTHER_USES = ("contextmanager(", "asynccontextmanager(", "next(", "anext(")


@dataclass
class DependencyUses:
    """`Depends(...)` use sites of one file, by the dependency's last name.

    A use site is safe when it passes `scope="function"`, or when it passes an explicit
    `scope="request"` and every parameter it injects is only read (a streaming response
    that needs the session to outlive the handler): nothing it wrote is committed late.
    """

    #: name -> one entry per use site: True when it is safe.
    function_scoped: dict[str, list[bool]] = field(default_factory=dict)

    @classmethod
    def of(cls, model: SemanticModel) -> DependencyUses:
        """The use sites of `model`'s file, collected once per model."""
        found = _USES.get(model)
        if found is None:
            found = _USES[model] = cls._collect(model)
        return found

    @classmethod
    def _collect(cls, model: SemanticModel) -> DependencyUses:
        uses = cls()
        if "Depends(" not in model.source and "Security(" not in model.source:
            return uses
        injected = _injected_parameters(model)
        for node in ast.walk(model.tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            if model.qualified_name(node.func) not in _DEPENDS:
                continue
            target = _dependency_name(model, node.args[0])
            if target is None:
                continue
            scope = _scope(node)
            safe = scope == "function" or (
                scope == "request"
                and not any(_writes(model, f, p) for f, p in injected.get(node, []))
            )
            uses.function_scoped.setdefault(target, []).append(safe)
        return uses

    def unsafe_or_unseen(self, name: str) -> bool:
        """No use site is visible, or one of them commits after the response."""
        sites = self.function_scoped.get(name)
        return not sites or not all(sites)

    def used(self, name: str) -> bool:
        return name in self.function_scoped


#: Session methods that change what the late commit would write.
_WRITE_METHODS = frozenset(
    {"add", "add_all", "delete", "merge", "flush", "execute", "commit", "bulk_save_objects"}
)


def _scope(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "scope" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    return None


def _injected_parameters(
    model: SemanticModel,
) -> dict[ast.Call, list[tuple[FunctionInfo, str]]]:
    """Each `Depends(...)` call -> the (function, parameter) pairs it injects into.

    Through a parameter's own default or annotation, or through a module-level alias
    (`Db = Annotated[Session, Depends(get_db)]`) named in a parameter's annotation.
    """
    alias_calls: dict[str, list[ast.Call]] = {}
    for name, values in model.structure.assignments.items():
        alias_calls[name] = [n for n in ast.walk(values[-1]) if isinstance(n, ast.Call)]
    found: dict[ast.Call, list[tuple[FunctionInfo, str]]] = {}
    for node in ast.walk(model.tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        function = model.structure.info(node)
        for name, annotation, default in parameters(node):
            for part in (annotation, default):
                if part is None:
                    continue
                for inner in ast.walk(part):
                    calls = [inner] if isinstance(inner, ast.Call) else []
                    if isinstance(inner, ast.Name):
                        calls = alias_calls.get(inner.id, [])
                    for call in calls:
                        found.setdefault(call, []).append((function, name))
    return found


def _writes(model: SemanticModel, function: FunctionInfo, parameter: str) -> bool:
    """The function writes through the injected session, or hands it to other code."""
    facts = model.facts(function)
    if facts.methods_called_on(parameter) & _WRITE_METHODS:
        return True
    return any(
        any(isinstance(a, ast.Name) and a.id == parameter for a in call.args)
        for call in facts.calls
    )


def _dependency_name(model: SemanticModel, argument: ast.expr) -> str | None:
    """`get_db` for `Depends(get_db)` / `Depends(db.session)`; for a callable instance,
    `Depends(SessionDep())` or `Depends(session_dep)` with `session_dep = SessionDep()`,
    the class, whose `__call__` is the dependency."""
    if isinstance(argument, ast.Name):
        values = model.structure.assignments.get(argument.id)
        if values and isinstance(values[-1], ast.Call):
            argument = values[-1]
    if isinstance(argument, ast.Call):
        argument = argument.func
    target = dotted_name(argument)
    return None if target is None else target.split(".")[-1]


_USES: weakref.WeakKeyDictionary[SemanticModel, DependencyUses] = weakref.WeakKeyDictionary()


def commits_after_yield(
    model: SemanticModel, function: FunctionInfo
) -> list[tuple[ast.Call, SessionRef]]:
    """The session `commit()` calls of a generator placed after its first `yield`."""
    facts = model.facts(function)
    if not facts.is_generator:
        return []
    yields = [node for node in facts.parents if isinstance(node, ast.Yield | ast.YieldFrom)]
    if not yields:
        return []
    first = min(_position(node) for node in yields)
    found: list[tuple[ast.Call, SessionRef]] = []
    for site in facts.method_calls:
        if site.method != "commit" or _position(site.node) <= first:
            continue
        ref = model.session_receiver(site.node)
        if ref is None and site.receiver in facts.returned_names:
            # What the dependency yields is what its route works with: a session from a
            # factory the resolver cannot name (`self._factory()`) is still that session.
            ref = SessionRef(site.receiver, SessionKind.CREATED)
        if ref is not None:
            found.append((site.node, ref))
    return found


def may_be_dependency(model: SemanticModel, function: FunctionInfo, uses: DependencyUses) -> bool:
    """Whether a generator is a FastAPI `yield` dependency (used, or shaped like one)."""
    node = function.node
    if any(_decorator_last(d) in _NOT_DEPENDENCY_DECORATORS for d in node.decorator_list):
        return False
    if uses.used(node.name):
        return True
    owner = function.owner_class
    if owner is not None and node.name == "__call__":
        return uses.used(owner.node.name)  # `Depends(SessionDep())`: the instance is called
    if owner is not None or function.parent is not None:
        return False
    if node.name in {"lifespan", "main"} or node.name.startswith("test"):
        return False
    if any(f"{wrapper}{node.name}" in model.source for wrapper in _OTHER_USES):
        return False
    if _entered_with_with(model, node.name):
        return False
    return model.imports.imports_from("fastapi", "sqlmodel") or node.name.startswith("get_")


def dependencies_entering(
    model: SemanticModel, context_manager: FunctionInfo, uses: DependencyUses
) -> list[FunctionInfo]:
    """`yield` dependencies that yield inside `with <context_manager>(...)`.

    The context manager's code after its `yield` then runs when the dependency's does:
    after the response, unless every use of the dependency is function-scoped.
    """
    name = context_manager.name
    found: list[FunctionInfo] = []
    for function in model.structure.functions.values():
        if function is context_manager or not model.facts(function).is_generator:
            continue
        if not _yields_inside_with_of(model, function, name):
            continue
        if may_be_dependency(model, function, uses) and uses.unsafe_or_unseen(function.name):
            found.append(function)
    return found


def is_context_manager(function: FunctionInfo) -> bool:
    return any(
        _decorator_last(d) in {"contextmanager", "asynccontextmanager"}
        for d in function.node.decorator_list
    )


def _yields_inside_with_of(model: SemanticModel, function: FunctionInfo, name: str) -> bool:
    facts = model.facts(function)
    for node, parent in facts.parents.items():
        if not isinstance(node, ast.Yield | ast.YieldFrom):
            continue
        current: ast.AST | None = parent
        while current is not None and current is not function.node:
            if isinstance(current, ast.With | ast.AsyncWith) and any(
                isinstance(item.context_expr, ast.Call)
                and (dotted_name(item.context_expr.func) or "").split(".")[-1] == name
                for item in current.items
            ):
                return True
            current = facts.parents.get(current)
    return False


def _entered_with_with(model: SemanticModel, name: str) -> bool:
    return f"with {name}(" in model.source or f"in {name}(" in model.source


def _decorator_last(decorator: ast.expr) -> str:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (dotted_name(target) or "").split(".")[-1]


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
