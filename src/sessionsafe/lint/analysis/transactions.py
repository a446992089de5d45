"""Where a session call sits relative to transaction blocks, loops and restoring `finally`s.

Queries for the rules about the shape of a unit of work around one call:

- `enclosing_begin(model, call, ref)`: the `with <session>.begin():` /
  `with <factory>.begin() as s:` block (sync or async) whose transaction a
  `commit()`/`rollback()` on `ref` would end early (SES010);
- `begun_session(model, call)`: the session a `with <factory>.begin() as s:` block
  hands out, for factories the resolver cannot name (`self._factory`);
- `repeated_commit_loop(model, call, ref)`: the loop that runs a `commit()` on a
  session created outside it, once per iteration, with the exemptions DESIGN.md
  grants (per-iteration sessions, retry loops that leave after a successful
  commit, batch-size checkpoints) (SES004);
- `restored_in_finally(model, statement, target)`: a lasting attribute assignment
  undone by a `finally` (SES003);
- `leaves_after(parent, statement)`: whether every path after `statement` leaves
  its block (`break`/`return`/`raise`);
- `raises_right_after(model, call)`: the statements after the call's always raise.

Everything here reads the function's cached parents (`SemanticModel.ancestors`);
nothing walks the tree again.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sessionsafe.lint.analysis import flow
from sessionsafe.lint.analysis.names import dotted_name
from sessionsafe.lint.analysis.sessions import SessionKind, SessionRef
from sessionsafe.lint.analysis.structure import TRY_TYPES, FunctionNode

if TYPE_CHECKING:
    from sessionsafe.lint.analysis import SemanticModel

_LEAVE = frozenset({flow.BREAK, flow.RETURN, flow.RAISE})
#: Words that make a loop condition a batch-size checkpoint (`if len(batch) >= BATCH_SIZE`).
_BATCH_LOOP_WORDS = ("batch", "chunk", "partition")
_BATCH_SIZE_NAMES = ("batch_size", "chunk_size", "batchsize", "chunksize", "page_size")
_BATCH_WORDS = ("batch", "chunk", "size", "every", "threshold", "interval", "checkpoint", "flush")


def enclosing_begin(
    model: SemanticModel, call: ast.Call, ref: SessionRef
) -> ast.With | ast.AsyncWith | None:
    """The innermost `with ... .begin()` block around `call` that begins `ref`'s transaction."""
    previous: ast.AST = call
    for ancestor in _ancestors(model, call):
        if isinstance(ancestor, FunctionNode | ast.Lambda | ast.ClassDef):
            return None
        if (
            isinstance(ancestor, ast.With | ast.AsyncWith)
            and previous in ancestor.body
            and any(_begins(model, item, ref, call) for item in ancestor.items)
        ):
            return ancestor
        previous = ancestor
    return None


def _ancestors(model: SemanticModel, node: ast.AST) -> Iterator[ast.AST]:
    """The parents of `node`, innermost first: in its function, or in the module's own code."""
    if model.function_at(node) is not None:
        yield from model.ancestors(node)
        return
    parents = model.facts(None).parents
    current = parents.get(node)
    while current is not None and not isinstance(current, ast.Module):
        yield current
        current = parents.get(current)


def _begins(model: SemanticModel, item: ast.withitem, ref: SessionRef, at: ast.AST) -> bool:
    context = item.context_expr
    if isinstance(context, ast.Await):
        context = context.value
    if not (
        isinstance(context, ast.Call)
        and isinstance(context.func, ast.Attribute)
        and context.func.attr == "begin"
    ):
        return False
    receiver = context.func.value
    target = item.optional_vars
    if isinstance(target, ast.Name) and target.id == ref.key:
        # `with SessionLocal.begin() as session:` creates the session it begins.
        return model.created_session(item, at) is not None or _factory_like(receiver)
    found = (
        model.session_of(receiver, at) if isinstance(receiver, ast.Name | ast.Attribute) else None
    )
    return found is not None and found.key == ref.key


def begun_session(model: SemanticModel, call: ast.Call) -> SessionRef | None:
    """The session of `name.commit()` when `name` is bound by `with <factory>.begin() as name`.

    Covers what the resolver does not bind: module-level `with` blocks of a script, and
    factories it cannot see (`self._factory`): a `begin()` on something named like a
    session factory hands out a session.
    """
    func = call.func
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
        return None
    name = func.value.id
    for ancestor in _ancestors(model, call):
        if isinstance(ancestor, FunctionNode | ast.Lambda | ast.ClassDef):
            return None
        if isinstance(ancestor, ast.With | ast.AsyncWith):
            for item in ancestor.items:
                context = item.context_expr
                if isinstance(context, ast.Await):
                    context = context.value
                if (
                    isinstance(item.optional_vars, ast.Name)
                    and item.optional_vars.id == name
                    and isinstance(context, ast.Call)
                    and isinstance(context.func, ast.Attribute)
                    and context.func.attr == "begin"
                    and (
                        _factory_like(context.func.value)
                        or model.created_session(item, call) is not None
                    )
                ):
                    return SessionRef(
                        name, SessionKind.CREATED, isinstance(ancestor, ast.AsyncWith)
                    )
    return None


def _factory_like(expr: ast.expr) -> bool:
    text = (dotted_name(expr) or "").split(".")[-1].lower()
    return any(word in text for word in ("factory", "sessionmaker", "session_maker", "sessions"))


def repeated_commit_loop(model: SemanticModel, call: ast.Call, ref: SessionRef) -> ast.stmt | None:
    """The loop whose every iteration commits `ref` (created outside it), if any.

    `None` when the call is not in a loop body, when the session is bound inside
    the innermost loop (one session per iteration), when the loop leaves right
    after the commit (a retry loop), when a batch-size condition guards the commit,
    when the loop runs over batches, or when the commit sits in an `except` handler
    (it records a failure, the loop's normal path does not commit).
    """
    statement: ast.AST = call
    loop: ast.stmt | None = None
    for ancestor in model.ancestors(call):
        if isinstance(ancestor, FunctionNode | ast.Lambda | ast.ClassDef):
            return None
        if isinstance(ancestor, ast.If) and _is_batch_condition(ancestor.test):
            return None
        if isinstance(ancestor, ast.ExceptHandler):
            return None  # the error path persisting a failure status, not the loop's work
        if isinstance(ancestor, flow.LOOPS):
            if statement not in ancestor.body or leaves_after(ancestor, statement):
                return None
            loop = ancestor
            break
        if isinstance(statement, ast.stmt) and leaves_after(ancestor, statement):
            return None
        statement = ancestor
    if loop is None or _bound_inside(model, loop, ref) or _is_batch_loop(loop):
        return None
    function = model.function_at(loop)
    if function is not None and function.name.startswith("test"):
        return None  # test set-up data, not a unit of work
    return loop


def leaves_after(parent: ast.AST, statement: ast.stmt) -> bool:
    """Whether the statements that follow `statement` in `parent` always leave the loop/function."""
    for block in _blocks(parent):
        if statement in block:
            rest = block[block.index(statement) + 1 :]
            if flow.terminates(rest, _LEAVE, lambda _: False):
                return True
            if isinstance(parent, TRY_TYPES) and block is getattr(parent, "body", None):
                return flow.terminates(getattr(parent, "orelse", []), _LEAVE, lambda _: False)
            return False
    return False


def raises_right_after(model: SemanticModel, call: ast.Call) -> bool:
    """Whether the statements right after the one holding `call` always raise."""
    parent = model.parent(call)
    if isinstance(parent, ast.Await):
        parent = model.parent(parent)
    holder = model.parent(parent) if isinstance(parent, ast.stmt) else None
    if not isinstance(parent, ast.stmt) or holder is None:
        return False
    for block in _blocks(holder):
        if parent in block:
            rest = block[block.index(parent) + 1 :]
            return bool(rest) and model.always_raises(rest, call)
    return False


def _blocks(parent: ast.AST) -> list[list[ast.stmt]]:
    blocks: list[list[ast.stmt]] = []
    for name in ("body", "orelse", "finalbody"):
        block = getattr(parent, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            blocks.append(block)
    return blocks


def _is_batch_condition(test: ast.expr) -> bool:
    """`n % 1000 == 0`, `len(batch) >= BATCH_SIZE`, `count >= self.flush_every`..."""
    for node in ast.walk(test):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return True
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                if isinstance(side, ast.Call) and dotted_name(side.func) == "len":
                    return True
                text = (dotted_name(side) or "").lower()
                if any(word in text for word in _BATCH_WORDS):
                    return True
    return False


def _is_batch_loop(loop: ast.stmt) -> bool:
    """A loop over batches: each iteration is one bounded transaction by design.

    `for start in range(0, n, BATCH_SIZE)`, `for chunk in chunks(rows, 500)`, or a
    `while`/counted `for _ in range(n)` loop that fetches `.limit(n)` rows or uses a
    `batch_size` per round.
    """
    if isinstance(loop, ast.While) and isinstance(loop.test, ast.Constant) and loop.test.value:
        return True  # `while True:`: an event loop (worker, poller, REPL); each round stands alone
    if isinstance(loop, ast.For | ast.AsyncFor):
        iterated = loop.iter
        ranged = iterated if isinstance(iterated, ast.Call) else None
        counting = ranged is not None and dotted_name(ranged.func) == "range"
        if ranged is not None and counting and len(ranged.args) == 3:
            return True  # `range(0, len(rows), step)`
        header = f"{ast.unparse(loop.target)} {ast.unparse(iterated)}".lower()
        if any(word in header for word in _BATCH_LOOP_WORDS):
            return True
        if not counting:
            return False  # a loop over items; only a counted loop may fetch batches
    for node in ast.walk(loop):
        named = node.id if isinstance(node, ast.Name) else getattr(node, "arg", None)
        if isinstance(named, str) and any(word in named.lower() for word in _BATCH_SIZE_NAMES):
            return True  # `LIMIT :batch_size`, `fetch(batch_size=...)`
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"limit", "fetchmany", "yield_per"}
            and node.args
            and not (isinstance(node.args[0], ast.Constant) and node.args[0].value == 1)
        ):
            return True
    return False


def _bound_inside(model: SemanticModel, loop: ast.stmt, ref: SessionRef) -> bool:
    """Whether the loop (re)binds the session's name: one session per iteration."""
    if isinstance(loop, ast.For | ast.AsyncFor) and ref.key in _target_names(loop.target):
        return True
    facts = model.facts(model.function_at(loop))
    values: list[ast.AST] = list(facts.assignments.get(ref.key, []))
    if ref.key.startswith("self."):
        values += facts.self_assignments.get(ref.key.split(".", 1)[1], [])
    return any(_within(value, loop) for value in values)


def _target_names(target: ast.expr) -> set[str]:
    return {node.id for node in ast.walk(target) if isinstance(node, ast.Name)}


def restored_in_finally(model: SemanticModel, statement: ast.stmt, target: str) -> bool:
    """Whether a `finally` sets `target` back after `statement` changed it.

    Either `statement` is in the body of a `try` whose `finally` restores it, or a
    later `try` of the same block has such a `finally`.
    """
    child: ast.AST = statement
    for ancestor in model.ancestors(statement):
        if (
            isinstance(ancestor, TRY_TYPES)
            and child in getattr(ancestor, "body", [])
            and _restores(getattr(ancestor, "finalbody", []), target)
        ):
            return True
        for block in _blocks(ancestor):
            if child in block:
                later = block[block.index(child) + 1 :]
                if any(
                    isinstance(s, TRY_TYPES) and _restores(getattr(s, "finalbody", []), target)
                    for s in later
                ):
                    return True
        if isinstance(ancestor, FunctionNode):
            break
        child = ancestor
    return False


def _restores(statements: list[ast.stmt], target: str) -> bool:
    for node in statements:
        for inner in ast.walk(node):
            if isinstance(inner, ast.Assign) and any(
                dotted_name(t) == target for t in inner.targets
            ):
                value = inner.value
                if not (isinstance(value, ast.Constant) and value.value is False):
                    return True
    return False


def _within(node: ast.AST, container: ast.AST) -> bool:
    if isinstance(node, ast.withitem):
        node = node.context_expr
    start = (getattr(container, "lineno", 0), getattr(container, "col_offset", 0))
    end = (getattr(container, "end_lineno", 0) or 0, getattr(container, "end_col_offset", 0) or 0)
    return start <= (getattr(node, "lineno", 0), getattr(node, "col_offset", 0)) <= end
