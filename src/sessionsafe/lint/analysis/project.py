"""Cross-file summaries: what each module of the project offers to the others.

The runner summarises every module first (`summarize_module`), merges the
summaries into a `ProjectIndex`, and hands that index to every file's
analysis, so `from app.db import SessionLocal` in one file and a
`handle_db_error(session)` helper defined in another are understood.
Summaries are plain, picklable data: they travel to worker processes and are
cached by file content.

Summarising reads module-level statements only, plus the bodies of the few
functions that can matter to other modules: functions with a session-like
parameter (helpers), functions whose every parameter has a default
(providers such as `get_db`), and statement-level "always raises" checks.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from sessionsafe.lint._index import HelperSummary, ModuleSummary, ProjectIndex
from sessionsafe.lint.analysis.flow import RAISE, is_never_returning_call, terminates
from sessionsafe.lint.analysis.names import ImportTable, dotted_name
from sessionsafe.lint.analysis.structure import FunctionNode, ModuleStructure, scope_statements

__all__ = [
    "HelperSummary",
    "ModuleSummary",
    "ProjectIndex",
    "module_name_for",
    "provider_kind",
    "summarize_helper",
    "summarize_module",
]

if TYPE_CHECKING:
    from sessionsafe.lint.analysis.sessions import SessionResolver
    from sessionsafe.lint.config import Settings


def module_name_for(path: str, root: str = ".") -> tuple[str, bool]:
    """(dotted module name, is a package `__init__`) of a file path relative to `root`."""
    import os.path

    relative = os.path.relpath(path, root) if os.path.isabs(path) else path
    relative = relative.replace(os.sep, "/").removesuffix(".py")
    parts = [part for part in relative.split("/") if part not in {"", "."}]
    while parts and parts[0] == "..":
        parts.pop(0)
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def summarize_module(
    tree: ast.Module, module: str, settings: Settings, is_package: bool = False
) -> ModuleSummary:
    """Summarise what `module` offers other modules: factories, sessions, helpers, providers."""
    from sessionsafe.lint.analysis.sessions import SessionResolver

    if module == "__init__" or module.endswith(".__init__"):
        module, is_package = module.removesuffix("__init__").rstrip("."), True
    structure = ModuleStructure(tree)
    imports = ImportTable(module, is_package)
    imports.add_all(structure.imports)
    resolver = SessionResolver(structure, imports, ProjectIndex.empty(), settings)
    summary = ModuleSummary(module)
    for name, values in structure.assignments.items():
        _summarize_assignment(summary, resolver, name, values[-1])
    for name in sorted(structure.unpacked):
        kind = resolver.factory_kind(ast.Name(name), None)
        if kind is not None:
            summary.factories[name] = kind
    for local, origin in imports.bindings.items():
        summary.reexports[local] = origin
    for name, info in structure.functions.items():
        helpers = summarize_helper(info.node, resolver, imports)
        if helpers:
            summary.helpers[name] = helpers
        kind = provider_kind(info.node, resolver)
        if kind is not None:
            summary.providers[name] = kind
    return summary


def _summarize_assignment(
    summary: ModuleSummary, resolver: SessionResolver, name: str, value: ast.expr
) -> None:
    if isinstance(value, ast.Call) and (dotted_name(value.func) or "").endswith("NewType"):
        typed = resolver.annotation_session(value)
        if typed is not None:
            summary.session_aliases[name] = "async" if typed[0] else "sync"
        return
    if isinstance(value, ast.Call):
        kind = resolver.factory_kind(value, None)
        if kind is not None:
            summary.factories[name] = kind
            return
        is_async = resolver.created_session(value, None)
        if is_async is not None:
            summary.sessions[name] = "async" if is_async else "sync"
        return
    if isinstance(value, ast.Subscript | ast.Constant):
        typed = resolver.annotation_session(value)
        if typed is not None and (typed[1] or typed[2]):
            provider = typed[1] or ""
            if provider:
                head, _, rest = provider.partition(".")
                origin = resolver.imports.origin(head) or f"{summary.module}.{head}"
                provider = f"{origin}.{rest}" if rest else origin
            summary.session_aliases[name] = ("async:" if typed[0] else "sync:") + provider


def summarize_helper(
    function: FunctionNode, resolver: SessionResolver, imports: ImportTable
) -> tuple[HelperSummary, ...]:
    """What `function` does to each session-like parameter or global session, and whether
    it always raises.

    Only statements are read, never expressions: a helper's `session.rollback()`,
    `await session.close()` or `db.session.remove()` is an expression statement, and
    reading statements keeps the project pass cheap on session-heavy code.
    """
    from sessionsafe.lint.analysis.sessions import parameters

    found: list[HelperSummary] = []
    if _may_always_raise(function) and terminates(
        function.body, frozenset({RAISE}), lambda c: is_never_returning_call(c, imports)
    ):
        found.append(HelperSummary(-1, "", always_raises=True))
    names = [name for name, _, _ in parameters(function)]
    effects: dict[str, set[str]] = {}
    for statement in scope_statements(function.body):
        call = _expression_call(statement)
        if call is None or not isinstance(call.func, ast.Attribute):
            continue
        if call.func.attr not in _EFFECTS:
            continue
        receiver = dotted_name(call.func.value)
        if receiver is not None:
            effects.setdefault(receiver, set()).add(call.func.attr)
    for receiver, called in sorted(effects.items()):
        if receiver in names:
            found += _effects(names.index(receiver), receiver, called)
        elif receiver.split(".")[0] not in names:
            key = resolver.global_key(receiver)
            if key is not None:
                found += _effects(-1, key, called)
    return tuple(found)


def _expression_call(statement: ast.stmt) -> ast.Call | None:
    """The call of an expression statement (`x.rollback()`, `await x.close()`)."""
    if not isinstance(statement, ast.Expr):
        return None
    value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
    return value if isinstance(value, ast.Call) else None


def _may_always_raise(function: FunctionNode) -> bool:
    """A cheap pre-check: a body ending in a plain statement (`return x`) never always raises."""
    last = function.body[-1]
    return not isinstance(last, ast.Return | ast.Assign | ast.AnnAssign | ast.AugAssign | ast.Pass)


_EFFECTS = frozenset({"rollback", "close", "remove", "reset", "invalidate", "commit"})


def _effects(index: int, name: str, called: set[str]) -> list[HelperSummary]:
    """A helper fact about parameter `index` (or the global session `name` when -1)."""
    rolls_back = "rollback" in called
    closes = bool(called & {"close", "remove", "reset", "invalidate"})
    commits = "commit" in called
    if rolls_back or closes or commits:
        return [HelperSummary(index, name, rolls_back, closes, commits)]
    return []


def provider_kind(function: FunctionNode, resolver: SessionResolver) -> str | None:
    """The provider kind if `function` hands out a session, else `None`.

    Kinds are "yield" or "return", with an "async_" prefix and a "_commits" suffix
    as `ModuleSummary.providers` describes. Cached per function; a function that
    (indirectly) returns its own call is not a provider.
    """
    known = resolver.provider_kinds
    if function in known:
        return known[function]
    known[function] = None
    found = known[function] = _provider_kind(function, resolver)
    return found


def _provider_kind(function: FunctionNode, resolver: SessionResolver) -> str | None:
    args = function.args
    required = len(args.posonlyargs) + len(args.args) - len(args.defaults)
    typed_generator = _returns_session_iterator(function, resolver)
    if not typed_generator and (
        required > 0 or any(default is None for default in args.kw_defaults)
    ):
        return None  # a provider is called with no arguments, or is typed as one
    bound: set[str] = set()
    handed_out = "yield" if typed_generator else ""
    commits = False
    info = resolver.structure.info(function)
    for statement in scope_statements(function.body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and resolver.annotation_session(statement.annotation) is not None
        ):
            bound.add(statement.target.id)
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and (
                resolver.created_session(statement.value, info) is not None
            ):
                bound.add(target.id)
        elif isinstance(statement, ast.With | ast.AsyncWith):
            for item in statement.items:
                if isinstance(item.optional_vars, ast.Name) and (
                    resolver.created_session(item, info) is not None
                ):
                    bound.add(item.optional_vars.id)
        value = _handed_out_value(statement)
        if value is not None:
            kind, expr = value
            if (isinstance(expr, ast.Name) and expr.id in bound) or (
                resolver.created_session(expr, info) is not None
            ):
                handed_out = handed_out or kind
        elif handed_out == "yield" and _is_commit_statement(statement):
            commits = True
    if not handed_out:
        return None
    prefix = "async_" if isinstance(function, ast.AsyncFunctionDef) else ""
    return prefix + handed_out + ("_commits" if commits else "")


def _returns_session_iterator(function: FunctionNode, resolver: SessionResolver) -> bool:
    """A generator annotated `-> AsyncGenerator[AsyncSession, None]` / `Iterator[Session]`."""
    returns = function.returns
    if not isinstance(returns, ast.Subscript):
        return False
    wrapper = (dotted_name(returns.value) or "").split(".")[-1]
    if wrapper not in {"Generator", "AsyncGenerator", "Iterator", "AsyncIterator", "Iterable"}:
        return False
    items = returns.slice.elts if isinstance(returns.slice, ast.Tuple) else [returns.slice]
    return (
        bool(items)
        and resolver.annotation_session(items[0]) is not None
        and any(isinstance(node, ast.Yield) for node in ast.walk(function))
    )


def _handed_out_value(statement: ast.stmt) -> tuple[str, ast.expr] | None:
    if isinstance(statement, ast.Return) and statement.value is not None:
        return "return", statement.value
    if (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Yield)
        and statement.value.value is not None
    ):
        return "yield", statement.value.value
    return None


def _is_commit_statement(statement: ast.stmt) -> bool:
    if not isinstance(statement, ast.Expr):
        return False
    value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "commit"
    )
