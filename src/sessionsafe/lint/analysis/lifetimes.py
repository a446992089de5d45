"""Who closes a session, and who shares one: the lifetime of session instances.

- `creates_new_session(model, call)`: does `call` make a new session instance
  (`Session(engine)`, `SessionLocal()`, `sessionmaker(...)()`, a `create_session()`
  that returns a fresh one) rather than fetch one from a scoped registry, a cache or
  a `yield` provider?
- `unclosed_creations(model, function)`: the creations in a function that are not
  closed on every path: no `with`, no `close()` in `finally`, not returned, stored
  or handed to `closing()`/`ExitStack`/an object that keeps it (SES005);
- `shared_creations(model)`: session instances created once and shared by every
  caller: at module level and used from functions (or only exported for other
  modules to import), as a class attribute, as a lazily
  created global, by an `lru_cache`d function, or on a module-level object such as
  `app.state` (SES007).

A session assigned to a global is shared, not leaked: it is reported by
`shared_creations` only.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from sessionsafe.lint.analysis.names import dotted_name
from sessionsafe.lint.analysis.sessions import (
    FOREIGN_SESSION_MODULES,
    SESSION_CLASSES,
    SESSION_LIKE_NAMES,
    bare,
)
from sessionsafe.lint.analysis.structure import TRY_TYPES, FunctionNode, scope_statements

if TYPE_CHECKING:
    from sessionsafe.lint.analysis import SemanticModel
    from sessionsafe.lint.analysis.structure import FunctionFacts, FunctionInfo

#: Imported names that are as often a scoped registry as a factory: calling one may
#: return the thread's session, so it only counts when the project index knows it.
_AMBIGUOUS_FACTORY_NAMES = frozenset(
    {"session", "dbsession", "db_session", "scopedsession", "scoped_session", "sessionmaker"}
)
#: Callees that take over a session's lifetime (close it later, or keep it in a container).
_TAKES_OVER = frozenset(
    {
        "closing",
        "aclosing",
        "enter_context",
        "enter_async_context",
        "push",
        "push_async_callback",
        "callback",
        "append",
        "add",
        "setdefault",
        "put",
        "put_nowait",
        "register",
        "set",
        "update",
    }
)
_MAKER_PREFIXES = ("create", "new_", "make", "open", "build")
_CLOSE_METHODS = frozenset({"close", "aclose", "remove"})
_CACHE_DECORATORS = frozenset({"lru_cache", "cache", "cached", "memoize", "singleton"})
_PER_THREAD_HOLDERS = frozenset({"local", "ContextVar"})


def creates_new_session(model: SemanticModel, call: ast.Call) -> bool:
    """Whether `call` makes a new session instance the caller must close."""
    func = call.func
    if model.qualified_name(func) in SESSION_CLASSES:
        return True
    if isinstance(func, ast.Call):
        return model.factory_kind(func, call) in {"sync", "async"} or _reexported_maker(model, func)
    if not isinstance(func, ast.Name | ast.Attribute):
        return False
    if model.factory_kind(func, call) not in {"sync", "async"}:
        return _new_session_provider(model, func)
    if isinstance(func, ast.Name) and func.id.lower() in _AMBIGUOUS_FACTORY_NAMES:
        origin = model.imports.origin(func.id)
        if origin is not None and model.project.lookup(origin, "factories") is None:
            return False
    return True


def _reexported_maker(model: SemanticModel, maker: ast.Call) -> bool:
    """`sessionmaker(bind=e)()` with `sessionmaker` re-exported by a project module."""
    name = dotted_name(maker.func)
    if name is None or name.split(".")[-1] not in {"sessionmaker", "async_sessionmaker"}:
        return False
    origin = model.imports.origin(name.split(".")[0]) or ""
    return not origin.startswith("sqlalchemy") and origin.split(".")[0] not in (
        FOREIGN_SESSION_MODULES
    )


def _new_session_provider(model: SemanticModel, func: ast.Name | ast.Attribute) -> bool:
    """`create_session()`: a function that returns a new session for its caller to close.

    A function of this module counts when it returns what a session factory just made
    (not a cached, global or scoped one); an imported one when the project index says it
    returns a session and its name says it makes one (`create_`, `new_`, `make_`, `open_`).
    """
    name = dotted_name(func)
    if name is None:
        return False
    local = model.structure.functions.get(name)
    if local is not None:
        return _returns_new_session(model, local)
    origin = model.imports.origin(name.split(".")[0])
    if origin is None:
        return False
    qualified = origin if "." not in name else f"{origin}.{name.split('.', 1)[1]}"
    kind = model.project.lookup(qualified, "providers")
    last = name.split(".")[-1].lstrip("_")
    return kind in {"return", "async_return"} and last.startswith(_MAKER_PREFIXES)


def _returns_new_session(model: SemanticModel, function: FunctionInfo) -> bool:
    node = function.node
    if any(_decorator_last(d) in _CACHE_DECORATORS for d in node.decorator_list):
        return False
    facts = model.facts(function)
    if _declared_global(facts) or facts.is_generator:
        return False
    made = {
        name
        for name, values in facts.assignments.items()
        if all(isinstance(v, ast.Call) and _makes_session(model, v) for v in values)
    }
    returns = [n for n in facts.parents if isinstance(n, ast.Return) and n.value is not None]
    return bool(returns) and all(
        (isinstance(r.value, ast.Name) and r.value.id in made)
        or (isinstance(r.value, ast.Call) and _makes_session(model, r.value))
        for r in returns
    )


def _makes_session(model: SemanticModel, call: ast.Call) -> bool:
    """A session class or factory call (providers are not followed further)."""
    func = call.func
    if model.qualified_name(func) in SESSION_CLASSES:
        return True
    target = func if isinstance(func, ast.Name | ast.Attribute | ast.Call) else None
    return target is not None and model.factory_kind(target, call) in {"sync", "async"}


def _ambiguous_factory_call(model: SemanticModel, call: ast.Call) -> bool:
    """`Session()` of an imported name that may be a factory or a scoped registry.

    It counts as a new session where the function itself closes it: its author treats
    it as a session of its own, so a close that some path skips is a leak.
    """
    func = call.func
    return (
        isinstance(func, ast.Name)
        and func.id.lower() in _AMBIGUOUS_FACTORY_NAMES
        and model.imports.origin(func.id) is not None
        and model.factory_kind(func, call) in {"sync", "async"}
    )


def _factory_attribute_call(value: ast.expr, target: str) -> bool:
    """`session = self._factory()`: a factory attribute the resolver cannot type."""
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
        return False
    attr = bare(value.func.attr)
    named_like_session = bare(target) in SESSION_LIKE_NAMES or bare(target) == "db"
    return named_like_session and ("factory" in attr or "maker" in attr)


# -- SES005: closed on every path ---------------------------------------------------------


def unclosed_creations(model: SemanticModel, function: FunctionInfo) -> list[ast.Call]:
    """Session creations in `function` that are not closed on every path."""
    facts = model.facts(function)
    global_names = _declared_global(facts)
    found: list[ast.Call] = []
    verdicts: dict[str, bool] = {}
    for call in facts.calls:
        holder = _holder(facts, call)
        if isinstance(holder, ast.Attribute) and holder.attr not in {"begin", "__enter__"}:
            if creates_new_session(model, call):
                found.append(call)  # `SessionLocal().query(...)`: the only reference is dropped
            continue
        if not isinstance(holder, ast.Assign | ast.AnnAssign):
            continue
        targets = holder.targets if isinstance(holder, ast.Assign) else [holder.target]
        if len(targets) != 1 or not isinstance(targets[0], ast.Name):
            continue
        name = targets[0].id
        if not (
            creates_new_session(model, call)
            or _factory_attribute_call(call, name)
            or (_ambiguous_factory_call(model, call) and _closes(facts.function.body, name))
        ):
            continue
        if _on_borrowed_connection(facts, call) or _unbound(model, call):
            continue
        if name in global_names:
            continue
        if name not in verdicts:
            verdicts[name] = (
                _escapes(facts, name)
                or _closed_on_every_path(facts, name)
                or (_is_fixture(function) and _closes(function.node.body, name))
            )
        if not verdicts[name]:
            found.append(call)
    return found


def _on_borrowed_connection(facts: FunctionFacts, call: ast.Call) -> bool:
    """`Session(bind=connection)`: a session joined to a connection its caller manages.

    Closing such a session only releases the connection back to its owner (an Alembic
    migration's `op.get_bind()`, a test's outer transaction), which cleans it up. The
    connection is recognised by its name or, for a local variable, by where it came from
    (`c = op.get_bind()`).
    """
    if any(k.arg == "join_transaction_mode" for k in call.keywords):
        return True
    binds = [k.value for k in call.keywords if k.arg == "bind"] + call.args[:1]
    for bind in binds:
        text = (dotted_name(bind) or ast.unparse(bind)).lower()
        if ("conn" in text or "bind" in text) and "engine" not in text:
            return True
        if isinstance(bind, ast.Name) and any(
            _borrows_connection(value) for value in facts.assignments.get(bind.id, ())
        ):
            return True
    return False


def _borrows_connection(value: ast.expr) -> bool:
    """`op.get_bind()`, `session.connection()`: a connection owned by someone else."""
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in {"get_bind", "connection"}
    )


def _unbound(model: SemanticModel, call: ast.Call) -> bool:
    """`AsyncSession()` with no engine: it can never check out a connection to leak."""
    return (
        model.qualified_name(call.func) in SESSION_CLASSES
        and not call.args
        and not any(k.arg in {"bind", "binds"} or k.arg is None for k in call.keywords)
    )


def _is_fixture(function: FunctionInfo) -> bool:
    """A pytest fixture: pytest runs the code after its `yield` whether the test fails or not."""
    return any(
        _decorator_last(d) in {"fixture", "yield_fixture"} for d in function.node.decorator_list
    )


def _holder(facts: FunctionFacts, call: ast.Call) -> ast.AST | None:
    parent = facts.parents.get(call)
    if isinstance(parent, ast.Await):
        parent = facts.parents.get(parent)
    return parent


def _declared_global(facts: FunctionFacts) -> set[str]:
    return facts.declared_global


def _escapes(facts: FunctionFacts, name: str) -> bool:
    """The session leaves the function: returned, stored, or handed to an owner."""
    for node, parent in facts.parents.items():
        if not (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)):
            continue
        if _returned(facts, node):
            return True
        if _stored_or_handed_over(facts, node, parent):
            return True
    return False


def _stored_or_handed_over(facts: FunctionFacts, node: ast.Name, parent: ast.AST) -> bool:
    """`self.session = session`, `sessions[key] = session`, `closing(session)`, `Repo(session)`."""
    if isinstance(parent, ast.Assign) and node is parent.value:
        return any(_keeps(facts, target) for target in parent.targets)
    call = facts.parents.get(parent) if isinstance(parent, ast.keyword) else parent
    if isinstance(call, ast.Call) and node is not call.func:
        last = (dotted_name(call.func) or "").split(".")[-1]
        return last in _TAKES_OVER or last[:1].isupper()
    return isinstance(parent, ast.Tuple | ast.List | ast.Dict | ast.Set)


def _keeps(facts: FunctionFacts, target: ast.expr) -> bool:
    """Whether storing into `target` hands the session to something that outlives the call.

    `self.session = s`, `registry[key] = s`, `obj.session = s` do; `kwargs["db"] = s` in a
    local dict that is not returned does not.
    """
    if isinstance(target, ast.Name):
        return False
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
        container = target.value.id
        local = container in facts.assignments or container == _keyword_parameter(facts)
        return not local or container in facts.returned_names
    return True


def _keyword_parameter(facts: FunctionFacts) -> str | None:
    """The `**kwargs` parameter: a dict made for this call only."""
    function = facts.function
    if isinstance(function, FunctionNode) and function.args.kwarg is not None:
        return function.args.kwarg.arg
    return None


def _returned(facts: FunctionFacts, node: ast.AST) -> bool:
    """`return session`, `return session, engine`, `return Repository(session)`.

    `return session.scalar(q)` returns a result, not the session.
    """
    child: ast.AST = node
    current: ast.AST | None = facts.parents.get(node)
    while current is not None and not isinstance(current, ast.stmt):
        if isinstance(current, ast.Attribute | ast.Subscript):
            return False
        if isinstance(current, ast.Call) and child is current.func:
            return False
        child, current = current, facts.parents.get(current)
    return isinstance(current, ast.Return)


def _closed_on_every_path(facts: FunctionFacts, name: str) -> bool:
    """`with session:`, `close()` in a `finally`, or closed in a catch-all and after it."""
    for node in facts.parents:
        if isinstance(node, ast.withitem) and dotted_name(node.context_expr) == name:
            return True
        if isinstance(node, TRY_TYPES):
            try_node: ast.Try = node  # type: ignore[assignment]
            if _closes(try_node.finalbody, name):
                return True
            if _closes_in_catch_all_and_after(facts, try_node, name):
                return True
    return False


def _closes_in_catch_all_and_after(facts: FunctionFacts, node: ast.Try, name: str) -> bool:
    handlers = node.handlers
    if not handlers or not all(_closes(h.body, name) for h in handlers):
        return False
    if not any(
        h.type is None or dotted_name(h.type) in {"Exception", "BaseException"} for h in handlers
    ):
        return False
    parent = facts.parents.get(node)
    block = _block_of(parent, node)
    after = block[block.index(node) + 1 :] if block else []
    return _closes(node.body + node.orelse + after, name)


def _block_of(parent: ast.AST | None, statement: ast.stmt) -> list[ast.stmt]:
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and statement in block:
            return block
    return []


def _closes(statements: list[ast.stmt], name: str) -> bool:
    for statement in statements:
        for node in ast.walk(statement):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in _CLOSE_METHODS
                and dotted_name(func.value) == name
            ):
                return True
            callee = (dotted_name(func) or "").split(".")[-1].lower()
            if "close" in callee and any(dotted_name(a) == name for a in node.args):
                return True
    return False


# -- SES007: one instance shared by every caller ------------------------------------------


def shared_creations(model: SemanticModel) -> list[ast.Call]:
    """Session instances created once and shared: the creating calls."""
    found = _module_level_sessions_used_in_functions(model)
    found += _class_attribute_sessions(model)
    found += _lazy_and_cached_sessions(model)
    return found


def _module_level_sessions_used_in_functions(model: SemanticModel) -> list[ast.Call]:
    created: dict[str, list[ast.Call]] = {}
    for statement in _module_statements(model.tree.body):
        if not isinstance(statement, ast.Assign | ast.AnnAssign) or statement.value is None:
            continue
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        value = statement.value
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call) and _creates_at_import(model, value):
            for target in targets:
                if isinstance(target, ast.Name):
                    created.setdefault(target.id, []).append(value)
    if not created:
        return []
    used = _names_used_in_functions(model, set(created)) | _exported_only(model, set(created))
    return [call for name in sorted(used) for call in created[name]]


def _creates_at_import(model: SemanticModel, call: ast.Call) -> bool:
    """A new session, or a scoped registry called at import: the importing thread's session."""
    if creates_new_session(model, call):
        return True
    func = call.func
    return isinstance(func, ast.Name | ast.Attribute) and model.factory_kind(func, call) in {
        "scoped",
        "async_scoped",
    }


def _module_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Module-level statements, without the `if __name__ == "__main__":` block of a script."""
    kept = [statement for statement in body if not _is_main_guard(statement)]
    return list(scope_statements(kept))


def _is_main_guard(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.If)
        and isinstance(statement.test, ast.Compare)
        and dotted_name(statement.test.left) == "__name__"
    )


def _names_used_in_functions(model: SemanticModel, names: set[str]) -> set[str]:
    used: set[str] = set()
    for node in ast.walk(model.tree):
        if isinstance(node, ast.Name) and node.id in names and node.id not in used:
            function = model.function_at(node)
            if function is None:
                continue
            ref = model.session_of(node, node)
            if (
                ref is not None
                and ref.key == node.id
                and node.id not in model.function_sessions(function)
            ):
                used.add(node.id)
    return used


def _exported_only(model: SemanticModel, names: set[str]) -> set[str]:
    """Module-level sessions this module never uses itself: made for other modules to import.

    A script that creates a session and uses it in its own top-level code is not
    sharing it with anyone; a `db.py` that only defines `session = Session()` is.
    """
    loaded = {
        node.id
        for node in ast.walk(model.tree)
        if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load)
    }
    return names - loaded


def _class_attribute_sessions(model: SemanticModel) -> list[ast.Call]:
    found: list[ast.Call] = []
    for cls in model.structure.classes.values():
        for statement in cls.node.body:
            if not isinstance(statement, ast.Assign | ast.AnnAssign):
                continue
            value = statement.value
            if isinstance(value, ast.Call) and creates_new_session(model, value):
                found.append(value)
    return found


def _lazy_and_cached_sessions(model: SemanticModel) -> list[ast.Call]:
    """`global _session; _session = SessionLocal()`, `@lru_cache` returning a new session,
    `app.state.db = SessionLocal()` on a module-level object."""
    found: list[ast.Call] = []
    source = model.source
    may_be_lazy = "global " in source or "cache" in source or ".state." in source
    if not may_be_lazy:
        return found
    for function in _functions_sharing_lazily(model):
        found += _lazy_in_function(model, model.structure.info(function))
    return found


def _functions_sharing_lazily(model: SemanticModel) -> list[FunctionNode]:
    """The functions whose sessions may be shared lazily, nested ones too, in source order
    (a function before the ones inside it).

    A cheap pre-check of `_lazy_in_function`, reading statements only, once: without a
    cache decorator, a `global`/`nonlocal` or an assignment to a module-level object's
    attribute among its own statements, nothing a function creates can be shared (walking
    every function body cost most of the rule).
    """
    order: list[FunctionNode] = []
    sharing: set[FunctionNode] = set()
    _scan_for_sharing(model, model.tree.body, None, order, sharing)
    return [function for function in order if function in sharing]


def _scan_for_sharing(
    model: SemanticModel,
    body: list[ast.stmt],
    owner: FunctionNode | None,
    order: list[FunctionNode],
    sharing: set[FunctionNode],
) -> None:
    """Record the functions in `body` in `order`, and in `sharing` those that may share a
    session; `owner` is the function whose statements these are (a class's body belongs to
    the function around it, a nested function's body to itself)."""
    for statement in scope_statements(body):
        if isinstance(statement, FunctionNode):
            order.append(statement)
            if any(_decorator_last(d) in _CACHE_DECORATORS for d in statement.decorator_list):
                sharing.add(statement)
            _scan_for_sharing(model, statement.body, statement, order, sharing)
        elif isinstance(statement, ast.ClassDef):
            _scan_for_sharing(model, statement.body, owner, order, sharing)
        elif owner is not None and owner not in sharing and _may_share(model, statement):
            sharing.add(owner)


def _may_share(model: SemanticModel, statement: ast.stmt) -> bool:
    """A `global`/`nonlocal`, or an assignment to a module-level object's attribute."""
    if isinstance(statement, ast.Global | ast.Nonlocal):
        return True
    if isinstance(statement, ast.Assign | ast.AnnAssign):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and _on_module_object(model, target):
                return True
    return False


def _lazy_in_function(model: SemanticModel, function: FunctionInfo) -> list[ast.Call]:
    facts = model.facts(function)
    global_names = _declared_global(facts)
    cached = any(_decorator_last(d) in _CACHE_DECORATORS for d in function.node.decorator_list)
    returned = facts.returned_names if cached else set()
    found: list[ast.Call] = []
    for call in facts.calls:
        holder = _holder(facts, call)
        if isinstance(holder, ast.Return) and cached and creates_new_session(model, call):
            found.append(call)
        if not isinstance(holder, ast.Assign | ast.AnnAssign):
            continue
        if not creates_new_session(model, call):
            continue
        targets = holder.targets if isinstance(holder, ast.Assign) else [holder.target]
        for target in targets:
            if _shared_target(model, target, global_names, returned):
                found.append(call)
    return found


def _shared_target(
    model: SemanticModel, target: ast.expr, global_names: set[str], cached_returns: set[str]
) -> bool:
    """A global name, a name a cached function returns, or a module-level object's attribute."""
    if isinstance(target, ast.Name):
        return target.id in global_names or target.id in cached_returns
    return isinstance(target, ast.Attribute) and _on_module_object(model, target)


def _on_module_object(model: SemanticModel, target: ast.Attribute) -> bool:
    """`app.state.db`, `request.app.state.db`, `registry.session`: an application-wide slot."""
    if ".app.state." in f".{dotted_name(target) or ''}":
        return True
    root: ast.expr = target
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or root.id in {"self", "cls"}:
        return False
    values = model.structure.assignments.get(root.id)
    if not values:
        return False
    holder = values[-1]
    if isinstance(holder, ast.Call):
        last = (dotted_name(holder.func) or "").split(".")[-1]
        if last in _PER_THREAD_HOLDERS:
            return False
    return True


def _decorator_last(decorator: ast.expr) -> str:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (dotted_name(target) or "").split(".")[-1]
