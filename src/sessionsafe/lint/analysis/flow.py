"""try/except/finally/with/loop regions: what a handler can catch and how a block ends.

These helpers look at statements, not values; the model combines them with
session resolution (`SemanticModel.session_work`, `releases_session`, ...).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import cast

from sessionsafe.lint.analysis.names import ImportTable, dotted_name
from sessionsafe.lint.analysis.structure import TRY_TYPES, FunctionNode, nested_blocks

#: `sqlalchemy.exc` / `sqlalchemy.orm.exc` classes a failed flush, commit or statement raises
#: (or a base class of one). `NoResultFound`, `MultipleResultsFound`, `DetachedInstanceError`
#: and friends are deliberately absent: they never come from the database.
DB_ERROR_NAMES = frozenset(
    {
        "SQLAlchemyError",
        "DBAPIError",
        "DatabaseError",
        "IntegrityError",
        "OperationalError",
        "ProgrammingError",
        "DataError",
        "InternalError",
        "NotSupportedError",
        "InterfaceError",
        "StatementError",
        "DisconnectionError",
        "StaleDataError",
        "FlushError",
        "ConcurrentModificationError",
    }
)
#: DB-API drivers whose exception classes a project may see unwrapped.
DRIVER_MODULES = frozenset(
    {"psycopg", "psycopg2", "asyncpg", "pymysql", "MySQLdb", "aiomysql", "asyncmy", "sqlite3"}
)
_CATCH_ALL = frozenset(
    {"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"}
)

#: Calls that never return: they raise (or exit the process).
ALWAYS_RAISING_CALLS = frozenset(
    {
        "abort",
        "flask.abort",
        "werkzeug.exceptions.abort",
        "flask_restful.abort",
        "flask_smorest.abort",
        "sys.exit",
        "exit",
        "quit",
        "os._exit",
        "pytest.fail",
        "pytest.skip",
        "pytest.exit",
    }
)
#: Method names that never return (`self.fail(...)`, `ctx.abort()`, `parser.error(...)`).
ALWAYS_RAISING_METHODS = frozenset({"fail", "abort", "error_exit", "raise_error", "throw", "exit"})

RAISE = "raise"
RETURN = "return"
BREAK = "break"
CONTINUE = "continue"


def can_catch_db_error(handler: ast.ExceptHandler, imports: ImportTable) -> bool:
    """Whether `except <type>` can catch an error raised by the database through SQLAlchemy."""
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(_catches_db_error(exception, imports) for exception in types)


def catches_every_db_error(handler: ast.ExceptHandler, imports: ImportTable) -> bool:
    """`except:`, `except Exception`, `except SQLAlchemyError`: no database error gets past."""
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for exception in types:
        qualified = imports.qualified_name(exception) or ""
        if qualified in _CATCH_ALL or qualified.split(".")[-1] == "SQLAlchemyError":
            return True
    return False


def _catches_db_error(exception: ast.expr, imports: ImportTable) -> bool:
    qualified = imports.qualified_name(exception)
    if qualified is None:
        return False
    if qualified in _CATCH_ALL:
        return True
    last = qualified.split(".")[-1]
    if qualified.split(".")[0] in DRIVER_MODULES:
        # A driver's own class: it catches when the project unwraps SQLAlchemy's errors (a
        # `handle_error` listener re-raising the original), and the author expects it to.
        return True
    if last not in DB_ERROR_NAMES:
        return False
    # `IntegrityError` imported from sqlite3/psycopg/django is not what SQLAlchemy raises.
    return qualified.startswith(("sqlalchemy.", "sqlmodel.")) or qualified == last


def terminates(
    statements: list[ast.stmt],
    ways: frozenset[str],
    call_never_returns: Callable[[ast.Call], bool],
) -> bool:
    """Whether every path through `statements` ends in one of `ways` (raise/return/...)."""
    for statement in statements:
        if _statement_terminates(statement, ways, call_never_returns):
            return True
        if _may_leave_otherwise(statement, ways):
            return False
    return False


def _may_leave_otherwise(statement: ast.stmt, ways: frozenset[str]) -> bool:
    """Whether `statement` can leave the block some way not in `ways` (an early `return`)."""
    if not isinstance(statement, _COMPOUND):
        return isinstance(statement, ast.Return | ast.Break | ast.Continue) and not (
            (isinstance(statement, ast.Return) and RETURN in ways)
            or (isinstance(statement, ast.Break) and BREAK in ways)
            or (isinstance(statement, ast.Continue) and CONTINUE in ways)
        )
    stack: list[tuple[ast.stmt, bool]] = [(statement, False)]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, FunctionNode | ast.ClassDef):
            continue
        if isinstance(node, ast.Return) and RETURN not in ways:
            return True
        if not in_loop and (
            (isinstance(node, ast.Break) and BREAK not in ways)
            or (isinstance(node, ast.Continue) and CONTINUE not in ways)
        ):
            return True
        inner_loop = in_loop or (node is not statement and isinstance(node, LOOPS))
        # `return`/`break`/`continue` are statements: expressions never hold one.
        for block in nested_blocks(node):
            stack.extend((child, inner_loop) for child in block)
    return False


def _statement_terminates(
    statement: ast.stmt, ways: frozenset[str], never_returns: Callable[[ast.Call], bool]
) -> bool:
    if isinstance(statement, ast.Raise):
        return RAISE in ways
    if isinstance(statement, ast.Return):
        return RETURN in ways
    if isinstance(statement, ast.Break):
        return BREAK in ways
    if isinstance(statement, ast.Continue):
        return CONTINUE in ways
    if isinstance(statement, ast.Expr):
        value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
        return RAISE in ways and isinstance(value, ast.Call) and never_returns(value)
    if isinstance(statement, ast.If):
        return terminates(statement.body, ways, never_returns) and terminates(
            statement.orelse, ways, never_returns
        )
    if isinstance(statement, ast.With | ast.AsyncWith):
        return terminates(statement.body, ways, never_returns)
    if isinstance(statement, TRY_TYPES):
        statement = cast("ast.Try", statement)  # `try/except*` has the same fields
        if terminates(statement.finalbody, ways, never_returns):
            return True
        body_ends = terminates(statement.body + statement.orelse, ways, never_returns)
        return body_ends and all(
            terminates(handler.body, ways, never_returns) for handler in statement.handlers
        )
    if isinstance(statement, ast.Match):
        has_default = any(
            isinstance(case.pattern, ast.MatchAs) and case.pattern.pattern is None
            for case in statement.cases
        )
        return has_default and all(
            terminates(case.body, ways, never_returns) for case in statement.cases
        )
    return False


def is_never_returning_call(call: ast.Call, imports: ImportTable) -> bool:
    """A call of a known function that always raises or exits (`abort(404)`, `sys.exit()`)."""
    qualified = imports.qualified_name(call.func)
    if qualified is None:
        return False
    if qualified in ALWAYS_RAISING_CALLS:
        return True
    return isinstance(call.func, ast.Attribute) and call.func.attr in ALWAYS_RAISING_METHODS


def iter_calls(statements: list[ast.stmt]) -> Iterator[ast.Call]:
    """Every call inside `statements`, not entering nested functions, lambdas or classes."""
    stack: list[ast.AST] = list(reversed(statements))
    while stack:
        node = stack.pop()
        if isinstance(node, FunctionNode | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def method_call(call: ast.Call) -> tuple[str, str] | None:
    """(`receiver`, `method`) for `receiver.method(...)` with a dotted receiver."""
    if not isinstance(call.func, ast.Attribute):
        return None
    receiver = dotted_name(call.func.value)
    return None if receiver is None else (receiver, call.func.attr)


def savepoint_or_transaction_block(item: ast.withitem) -> tuple[str, str] | None:
    """(`session`, `begin_nested`|`begin`) for `with session.begin_nested():`-like items."""
    context = item.context_expr
    if isinstance(context, ast.Await):
        context = context.value
    if (
        isinstance(context, ast.Call)
        and isinstance(context.func, ast.Attribute)
        and context.func.attr in {"begin_nested", "begin"}
    ):
        receiver = dotted_name(context.func.value)
        if receiver is not None:
            return receiver, context.func.attr
    return None


LOOPS = (ast.For, ast.AsyncFor, ast.While)
#: Statements with statement bodies (only these can hide a `return` inside).
_COMPOUND = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.Match,
    *TRY_TYPES,
)
