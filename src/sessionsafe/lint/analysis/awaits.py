"""Async sessions in coroutines: un-awaited coroutine methods, sync sessions in `async def`.

- `unawaited_session_call(model, call)`: the async session whose coroutine method
  `call` runs without being awaited (`session.commit()`, `await s.scalars(q).all()`);
- `sync_session_entry(model, function)`: where a synchronous session enters an
  `async def` (its parameter or the line creating it), if one does.

A session is async when the resolver says so (annotated `AsyncSession`, made by
`async_sessionmaker`/`AsyncSession(...)`), or when it is bound by `async with`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from sessionsafe.lint.analysis.names import dotted_name
from sessionsafe.lint.analysis.sessions import (
    FOREIGN_SESSION_MODULES,
    SESSION_LIKE_NAMES,
    SessionKind,
    SessionRef,
    bare,
    parameters,
)
from sessionsafe.lint.analysis.structure import FunctionNode

if TYPE_CHECKING:
    from sessionsafe.lint.analysis import SemanticModel
    from sessionsafe.lint.analysis.structure import FunctionFacts, FunctionInfo

#: `AsyncSession` methods that return a coroutine (the rest, `add`, `expunge`,
#: `in_transaction`, `begin` ..., are synchronous or async context managers).
COROUTINE_METHODS = frozenset(
    {
        "aclose",
        "close",
        "commit",
        "connection",
        "delete",
        "execute",
        "flush",
        "get",
        "get_one",
        "invalidate",
        "merge",
        "refresh",
        "reset",
        "rollback",
        "run_sync",
        "scalar",
        "scalars",
        "stream",
        "stream_scalars",
    }
)
#: `async_scoped_session` adds a coroutine of its own.
SCOPED_COROUTINE_METHODS = COROUTINE_METHODS | {"remove"}
#: Places where a coroutine is used as if it were the method's result.
_USED_AS_A_VALUE = (
    ast.Expr,
    ast.Attribute,
    ast.Subscript,
    ast.Compare,
    ast.UnaryOp,
    ast.If,
    ast.While,
    ast.FormattedValue,
)
#: Calls that run a function (and the session handed to it) away from the event loop.
_OFF_THE_LOOP = frozenset(
    {
        "add_task",
        "partial",
        "run_in_executor",
        "run_in_threadpool",
        "run_sync",
        "submit",
        "to_thread",
    }
)
#: Parents that await a coroutine or hand it to code that may await or schedule it.
_HANDLED_BY_PARENT = (ast.Await, ast.Call, ast.keyword, ast.List, ast.Tuple, ast.Set, ast.Starred)
#: Parents that handle the coroutine whatever the function and the names around it.
_HANDLED_WHEREVER = (*_HANDLED_BY_PARENT, ast.withitem, ast.Lambda)


def unawaited_session_call(model: SemanticModel, call: ast.Call) -> SessionRef | None:
    """The async session of `call` when it is a coroutine method left un-awaited."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in SCOPED_COROUTINE_METHODS:
        return None
    # Most such calls are awaited, passed on or returned: answer that from the parent
    # before resolving the receiver, the costly part.
    parent = model.parent(call)
    if isinstance(parent, _HANDLED_WHEREVER) or _returned_from_plain_def(model, call, parent):
        return None
    ref = async_session(model, func.value, call)
    if ref is None:
        return None
    if func.attr == "remove" and ref.kind is not SessionKind.SCOPED:
        return None
    return ref if not _awaited(model, call) else None


def async_session(model: SemanticModel, expr: ast.expr, at: ast.AST) -> SessionRef | None:
    """The async session `expr` names at `at`, if it is one."""
    if not isinstance(expr, ast.Name | ast.Attribute):
        return None
    ref = model.session_of(expr, at)
    if ref is not None and ref.is_async:
        return ref
    # A sync `Session` cannot be entered with `async with`: whatever the factory looked
    # like (`sessionmaker(..., class_=AsyncSession)`), this one is async.
    if isinstance(expr, ast.Name) and _bound_by_async_with(model, expr.id, at):
        return SessionRef(expr.id, SessionKind.CREATED, is_async=True)
    return None


def _bound_by_async_with(model: SemanticModel, name: str, at: ast.AST) -> bool:
    """`async with <factory>() as session:` makes `session` an async session."""
    if bare(name) not in SESSION_LIKE_NAMES and bare(name) not in {"db", "s"}:
        return False
    function = model.function_at(at)
    if function is None:
        return False
    facts = model.facts(function)
    for value in facts.assignments.get(name, []):
        if not isinstance(value, ast.withitem):
            continue
        if not isinstance(facts.parents.get(value), ast.AsyncWith):
            continue
        context = value.context_expr
        if isinstance(context, ast.Call):
            qualified = model.qualified_name(context.func) or dotted_name(context.func) or ""
            if qualified.split(".")[0] not in FOREIGN_SESSION_MODULES:
                return True
    return False


def _awaited(model: SemanticModel, call: ast.Call) -> bool:
    """Whether the coroutine `call` returns is awaited, or handed to code that may await it."""
    parent = model.parent(call)
    if isinstance(parent, _HANDLED_WHEREVER):
        return True
    if isinstance(parent, ast.Return | ast.Yield):
        return _returned_from_plain_def(model, call, parent)
    if isinstance(parent, ast.Assign | ast.AnnAssign | ast.NamedExpr):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        return bool(names) and _name_awaited_later(model, call, names)
    return not isinstance(parent, _USED_AS_A_VALUE)


def _returned_from_plain_def(model: SemanticModel, call: ast.Call, parent: ast.AST | None) -> bool:
    """`return session.commit()` outside a coroutine: the caller gets the coroutine to await."""
    if not isinstance(parent, ast.Return | ast.Yield):
        return False
    function = model.function_at(call)
    return function is None or not isinstance(function.node, ast.AsyncFunctionDef)


def _name_awaited_later(model: SemanticModel, call: ast.Call, names: set[str]) -> bool:
    """`coro = session.commit()` followed by `await coro` or `gather(coro)`."""
    function = model.function_at(call)
    facts = model.facts(function)
    handed_on: tuple[type[ast.AST], ...] = (ast.Await, ast.Call, ast.keyword, ast.Starred)
    if function is None or not isinstance(function.node, ast.AsyncFunctionDef):
        handed_on = (*handed_on, ast.Return)
    return any(
        isinstance(node, ast.Name)
        and node.id in names
        and isinstance(node.ctx, ast.Load)
        and isinstance(parent, handed_on)
        for node, parent in facts.parents.items()
    )


def sync_session_entry(model: SemanticModel, function: FunctionInfo) -> ast.AST | None:
    """Where a synchronous session first enters the coroutine `function`, if one does.

    Only sessions known to be synchronous count: a parameter annotated with the
    sync `Session` class, or a session the coroutine creates from `Session(...)`
    or a sync factory, and never one the coroutine awaits anything on.
    """
    node = function.node
    if not isinstance(node, ast.AsyncFunctionDef) or node.name.startswith("test"):
        return None
    facts = model.facts(function)
    awaited_receivers = {
        site.receiver
        for site in facts.method_calls
        if isinstance(facts.parents.get(site.node), ast.Await)
    }
    entries: list[ast.AST] = []
    for name, annotation, _ in parameters(node):
        if annotation is None or name in awaited_receivers:
            continue
        typed = model.sessions.annotation_session(annotation)
        if typed is not None and typed[0] is False and _used_in_coroutine(facts, name):
            entries.append(_argument(node, name) or node)
    for name, ref in model.function_sessions(function).items():
        if ref is None or ref.is_async or ref.kind is not SessionKind.CREATED:
            continue
        if name in awaited_receivers or not _used_in_coroutine(facts, name):
            continue
        entries += [
            binding.context_expr if isinstance(binding, ast.withitem) else binding
            for binding in model.session_bindings(function, ref)
            if _surely_sync(model, binding, function)
        ]
    if not entries:
        return None
    return min(entries, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))


def _used_in_coroutine(facts: FunctionFacts, name: str) -> bool:
    """The coroutine calls the session's methods or hands it to a synchronous call.

    `crud.get_items(db)` runs the blocking queries on the event loop as well; a session
    handed to a thread (`asyncio.to_thread(fn, db)`) or to an awaited call is not.
    """
    if facts.methods_called_on(name):
        return True
    for call in facts.calls:
        if not any(isinstance(a, ast.Name) and a.id == name for a in call.args):
            continue
        callee = (dotted_name(call.func) or "").split(".")[-1]
        if callee in _OFF_THE_LOOP or isinstance(facts.parents.get(call), ast.Await):
            continue
        return True
    return False


def _surely_sync(model: SemanticModel, binding: ast.AST, function: FunctionInfo) -> bool:
    """A binding that creates a sync session from a session class or a sync factory."""
    if isinstance(binding, ast.withitem):
        if isinstance(model.facts(function).parents.get(binding), ast.AsyncWith):
            return False
        binding = binding.context_expr
    if not isinstance(binding, ast.Call):
        return False
    func = binding.func
    if isinstance(func, ast.Attribute) and func.attr == "begin":
        func = func.value
    kind = model.factory_kind(func, binding) if isinstance(func, ast.expr) else None
    if kind in {"sync", "scoped"}:
        return True
    return model.created_session(binding, binding) is False and not _is_provider_call(binding)


def _is_provider_call(call: ast.Call) -> bool:
    name = dotted_name(call.func) or ""
    return name == "next" or name.split(".")[-1].startswith(("get_", "provide"))


def _argument(function: FunctionNode, name: str) -> ast.arg | None:
    args = function.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        if arg.arg == name:
            return arg
    return None
