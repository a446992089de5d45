"""The semantic model of one file, built once before any rule runs.

Rules only ask the model: which expressions are sessions, which function owns
a session, what an `except` handler can catch and whether it rolls back or
re-raises. The answers come from the passes in this package:

- `names`: imports -> qualified names (`ImportTable`, `dotted_name`);
- `structure`: module-level bindings, functions, classes; per-function facts
  (parents, calls, assignments), walked lazily and cached;
- `sessions`: which names/expressions are sessions, factories, async sessions
  (`SessionResolver`, `SessionRef`, `SessionKind`);
- `ownership`: which functions own a session's lifecycle (`Ownership`);
- `flow`: what a handler can catch, how a block ends;
- `project`: cross-file summaries (`summarize_module`, `ProjectIndex`).

Building the model reads module-level statements only; everything about a
function is computed the first time a rule asks, then cached. Rules should
call `may_involve_sessions(node)` before any deeper query on a node that is
common in ordinary code (every `try`, every call).

Query API of `SemanticModel` (stable: add, never rename):

Names and places
- `qualified_name(expr)` -> `"sqlalchemy.orm.Session"` for `S`/`sa.orm.Session`, or `None`
- `function_at(node)` -> `FunctionInfo` of the innermost enclosing function, `None` at module level
- `parent(node)`, `ancestors(node)` -> parents inside the enclosing function
- `enclosing_loops(node)` -> `for`/`while` statements around `node`, innermost first,
  stopping at the function boundary
- `facts(function_or_None)` -> `FunctionFacts` (calls, assignments, parents) of a function
  or of the module's own code
- `may_involve_sessions(node)` -> cheap text test: can this node's source mention a session?

Sessions
- `session_of(expr, at=None)` -> `SessionRef` (key, kind, is_async, provider) or `None`;
  `at` is the node whose scope resolves names (default: `expr` itself)
- `session_receiver(call)` -> the session a `x.method(...)` call is made on, including
  `session.get_transaction().commit()` and `session.connection().commit()`
- `created_session(expr, at)` -> `True` (async) / `False` (sync) if `expr` creates a
  session (a `withitem` too), else `None`
- `factory_kind(expr, at)` -> "sync"/"async"/"scoped"/"async_scoped"/"flask_sqlalchemy"/`None`
- `function_sessions(function)` -> {name: SessionRef | None} of a function's params and locals
- `session_bindings(function, ref)` -> the expressions (or `withitem`s) that bind a local session
- `class_attributes(class_info)` -> {attr: SessionRef | None} for `self.<attr>`

Ownership
- `owns(function, ref)` -> may `function` (`None`: module code) commit the session?
- `is_lifecycle(function)` -> entry point / handler / hook / task / test / fixture / wrapper
- `provider_commits(provider)` -> does a `Depends(provider)` dependency commit after `yield`?

Flow
- `can_catch_db_error(handler)` -> can `except <type>` catch a database error?
- `always_raises(statements, at)` -> does every path raise (incl. `abort()`, raising helpers)?
- `always_leaves(statements, at)` -> does every path `return` or raise?
- `releases_session(statements, ref, at)` -> do they roll back/close `ref` (incl. via a
  helper of this module or of the project)?
- `session_work(try_node)` -> [(call, SessionRef)] of database work in a `try` body that a
  failure would leave unhandled (work inside `begin_nested()`/`begin()` blocks or inner
  handled `try`s excluded)
- `used_after(try_node, handler, ref)` -> is `ref` used again after the handler swallows,
  or does it outlive the function?
- `header_span(handler)` -> a node-like span covering just `except ...:`
"""

from __future__ import annotations

import ast
import bisect
import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from sessionsafe.lint.analysis import flow
from sessionsafe.lint.analysis.names import ImportTable, dotted_name
from sessionsafe.lint.analysis.ownership import Ownership
from sessionsafe.lint.analysis.project import (
    HelperSummary,
    ProjectIndex,
    module_name_for,
    summarize_helper,
)
from sessionsafe.lint.analysis.sessions import (
    LASTING_KINDS,
    SessionKind,
    SessionRef,
    SessionResolver,
)
from sessionsafe.lint.analysis.structure import (
    TRY_TYPES,
    ClassInfo,
    FunctionFacts,
    FunctionInfo,
    FunctionNode,
    ModuleStructure,
)
from sessionsafe.lint.config import Settings
from sessionsafe.lint.diagnostics import Diagnostic, Fix
from sessionsafe.lint.noqa import NoqaMap, is_silenced, parse_noqa

if TYPE_CHECKING:
    from sessionsafe.lint.rule import Rule

__all__ = [
    "ClassInfo",
    "FunctionFacts",
    "FunctionInfo",
    "SemanticModel",
    "SessionKind",
    "SessionRef",
    "Span",
]

#: Session methods that talk to the database (and so can raise a database error).
WORK_METHODS = frozenset(
    {
        "commit",
        "flush",
        "execute",
        "scalar",
        "scalars",
        "query",
        "get",
        "get_one",
        "merge",
        "refresh",
        "exec",
        "stream",
        "stream_scalars",
        "bulk_save_objects",
        "bulk_insert_mappings",
        "bulk_update_mappings",
        "connection",
        "run_sync",
    }
)
#: Session methods that end a failed transaction or discard the session's state.
RELEASE_METHODS = frozenset({"rollback", "close", "remove", "reset", "invalidate"})
#: Builtins that receive a session without doing database work with it.
_HARMLESS_CALLEES = frozenset(
    {"isinstance", "print", "len", "repr", "str", "id", "type", "getattr", "hasattr", "setattr"}
)
_LEAVE = frozenset({flow.RAISE, flow.RETURN})
_RAISE = frozenset({flow.RAISE})


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _session_tokens(module_names: set[str]) -> tuple[str, ...]:
    """What `may_involve_sessions` looks for: `session`, `db` and this module's own names."""
    return tuple({"ession", "db", "DB", "Db"} | module_names)


class _Lines:
    """The lines of a source, split on first use: most files need no line's text (splitting
    every file cost 7% of the check). Python's own line breaks only: `str.splitlines` also
    breaks at form feeds, U+2028 and friends, which would shift every line number after
    them."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._lines: list[str] | None = None

    def __call__(self) -> list[str]:
        if self._lines is None:
            self._lines = _LINE_BREAK.split(self._source)
        return self._lines


class _WordLines:
    """Which lines of a source hold one of some words (none holding a line break), found
    with `str.find` and `str.count` on first use rather than by splitting the source.

    It is given the source's `_Lines`, not the model: a reference back would make every
    model a reference cycle, which only the cyclic garbage collector can free (the runner
    pauses it while files are analysed).
    """

    def __init__(self, source: str, words: tuple[str, ...], lines: _Lines) -> None:
        self._source = source
        self._words = words
        self._lines = lines
        # Only `\n` ends a line in `_lines_holding`.
        self._countable = "\r" not in source and "" not in words
        self._numbers: list[int] | None = None

    def numbers(self) -> list[int] | None:
        """The sorted numbers (1-based) of the lines holding a word, or None when they
        cannot be found without splitting the source (`\r` line breaks, an empty word)."""
        if self._numbers is None and self._countable:
            self._numbers = _lines_holding(self._source, self._words)
        return self._numbers

    def between(self, start: int, end: int) -> bool:
        """Whether a line from `start` to `end` (1-based, inclusive) holds a word."""
        numbers = self.numbers()
        if numbers is None:
            text = "\n".join(self._lines()[start - 1 : end])
            return any(map(text.__contains__, self._words))
        index = bisect.bisect_left(numbers, start)
        return index < len(numbers) and numbers[index] <= end


def _lines_holding(source: str, words: tuple[str, ...]) -> list[int]:
    """The sorted numbers (1-based) of the lines of `source` that hold one of `words`."""
    found: list[int] = []
    find = source.find
    for word in words:
        position = find(word)
        while position != -1:
            found.append(position)
            line_end = find("\n", position)
            if line_end == -1:
                break
            position = find(word, line_end)  # one position per line is enough
    found.sort()
    numbers: list[int] = []
    line, counted = 1, 0
    for position in found:
        line += source.count("\n", counted, position)
        counted = position
        if not numbers or numbers[-1] != line:
            numbers.append(line)
    return numbers


class _Outcome(enum.Enum):
    """How a path through a handler ends with respect to one session."""

    RELEASED = "released"  # rolled back, closed or raised
    ESCAPED = "escaped"  # returned, continued or broke out first
    NONE = "none"  # fell through without either


@dataclass(frozen=True, slots=True)
class Span:
    """A source span that is not a whole node (the `except ...:` header of a handler)."""

    lineno: int
    col_offset: int
    end_lineno: int
    end_col_offset: int


class SemanticModel:
    """Everything the rules may ask about one parsed file."""

    def __init__(
        self,
        tree: ast.Module,
        source: str,
        path: str,
        settings: Settings,
        project: ProjectIndex,
    ) -> None:
        self.tree = tree
        self.source = source
        self.path = path
        self.settings = settings
        self.project = project
        self._noqa: NoqaMap | None = None  # parsed on the first finding: most files have none
        self._source_lines = _Lines(source)
        module, is_package = module_name_for(path, settings.root)
        self.module = module
        self.imports = ImportTable(module, is_package)
        self.structure = ModuleStructure(tree)
        self.imports.add_all(self.structure.imports)
        # Every import statement spells `import`: when the module-level ones account for
        # every occurrence, no function imports anything and their bodies need no reading.
        if source.count("import") > len(self.structure.imports):
            import_lines = _WordLines(source, ("import",), self._source_lines).numbers()
            self.imports.add_all(self.structure.function_imports(import_lines))
        self.sessions = SessionResolver(self.structure, self.imports, project, settings)
        self.ownership = Ownership(self.sessions, settings.lifecycle_decorators, source)
        self.ownership.in_tests = is_test_path(path)
        # The pre-filter imports this package (for `ProjectIndex`): import it late.
        from sessionsafe.lint._prefilter import BASE_MARKERS

        module_names = self._module_names()
        self._tokens = _session_tokens(module_names)
        self._markers = BASE_MARKERS + tuple(sorted(module_names))
        self._token_lines = _WordLines(source, self._tokens, self._source_lines)
        self._marker_lines = _WordLines(source, self._markers, self._source_lines)
        self._helper_cache: dict[ast.AST, tuple[HelperSummary, ...]] = {}
        self._wrappers: dict[ast.AST, dict[str, SessionRef]] = {}
        self._uses_cache: dict[tuple[ast.AST, str], _Uses] = {}
        self._session_of: dict[tuple[ast.AST, ast.AST | None], SessionRef | None] = {}
        self._mentions: dict[ast.AST, bool] = {}

    @classmethod
    def build(
        cls,
        tree: ast.Module,
        source: str,
        path: str,
        settings: Settings,
        project: ProjectIndex,
    ) -> SemanticModel:
        return cls(tree, source, path, settings, project)

    # -- names and places ---------------------------------------------------------------

    def qualified_name(self, expr: ast.AST) -> str | None:
        return self.imports.qualified_name(expr)

    def function_at(self, node: ast.AST) -> FunctionInfo | None:
        return self.structure.function_at(node)

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.structure.parent(node)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        return self.structure.ancestors(node)

    def enclosing_loops(self, node: ast.AST) -> list[ast.stmt]:
        return [a for a in self.ancestors(node) if isinstance(a, flow.LOOPS)]

    def facts(self, function: FunctionInfo | None) -> FunctionFacts:
        return self.structure.facts(self.tree if function is None else function.node)

    def may_involve_sessions(self, node: ast.AST, methods: bool = False) -> bool:
        """Whether `node`'s source text mentions anything that could be a session.

        With `methods`, a call of a method of the enclosing class (`self.load()`)
        counts too when that class's own text mentions a session.
        """
        if self._mentions_session(node):
            return True
        if not methods:
            return False
        text = self._text(node)
        function = self.function_at(node)
        if (
            function is not None
            and self._mentions_session(function.node)
            and any(name in text for name in self.wrappers(function))
        ):
            return True
        if "self." not in text:
            return False
        cls = _class_of_scope(function)
        return cls is not None and self._mentions_session(cls.node)

    def _mentions_session(self, node: ast.AST) -> bool:
        # Asked again by every rule that looks at the node (SES005 and SES006 per function).
        known = self._mentions.get(node)
        if known is None:
            start = getattr(node, "lineno", 1)
            end = getattr(node, "end_lineno", None) or start
            known = self._mentions[node] = self._token_lines.between(start, end)
        return known

    @property
    def _lines(self) -> list[str]:
        return self._source_lines()

    def _text(self, node: ast.AST) -> str:
        start = getattr(node, "lineno", 1)
        end = getattr(node, "end_lineno", None) or start
        return "\n".join(self._lines[start - 1 : end])

    def may_matter(self, node: ast.AST) -> bool:
        """Whether `node`'s source (decorators included) holds a pre-filter marker.

        The markers are the runner's file pre-filter markers plus this module's own
        names for factories and shared sessions; a statement without any of them
        cannot involve a session, so no rule can report inside it.
        """
        start = getattr(node, "lineno", 1)
        for decorator in getattr(node, "decorator_list", ()):
            start = min(start, decorator.lineno)
        end = getattr(node, "end_lineno", None) or start
        return self._marker_lines.between(start, end)

    def _module_names(self) -> set[str]:
        """Local names of this module's factories and shared sessions, and configured names."""
        tokens = {name.split(".")[-1] for name in self.settings.session_factories}
        for local, origin in self.imports.bindings.items():
            if self.project.lookup(origin, "factories") or self.project.lookup(origin, "sessions"):
                tokens.add(local)
        for name, values in self.structure.assignments.items():
            if isinstance(values[-1], ast.Call) and self.sessions.factory_kind(values[-1], None):
                tokens.add(name)
        return tokens

    # -- sessions -------------------------------------------------------------------------

    def session_of(self, expr: ast.AST, at: ast.AST | None = None) -> SessionRef | None:
        scope = self.function_at(at or expr)
        # Several rules ask about the same receiver (a `commit()` is seen by four): kept
        # per expression and scope, as the resolver's answer depends on nothing else.
        key = (expr, None if scope is None else scope.node)
        try:
            return self._session_of[key]
        except KeyError:
            found = self._session_of[key] = self.sessions.session_of(expr, scope)
            return found

    def session_receiver(self, call: ast.Call) -> SessionRef | None:
        """The session `x` of `x.method(...)`, `x.get_transaction().method()`, ..."""
        if not isinstance(call.func, ast.Attribute):
            return None
        receiver = call.func.value
        if (
            isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Attribute)
            and receiver.func.attr in {"get_transaction", "connection", "get_nested_transaction"}
            and not receiver.args
        ):
            receiver = receiver.func.value
        if not isinstance(receiver, ast.Name | ast.Attribute):
            return None
        return self.session_of(receiver, call)

    def created_session(self, expr: ast.AST, at: ast.AST | None = None) -> bool | None:
        return self.sessions.created_session(expr, self.function_at(at or expr))

    def factory_kind(self, expr: ast.expr, at: ast.AST | None = None) -> str | None:
        return self.sessions.factory_kind(expr, self.function_at(at or expr))

    def function_sessions(self, function: FunctionInfo) -> dict[str, SessionRef | None]:
        return self.sessions.function_sessions(function)

    def session_bindings(self, function: FunctionInfo | None, ref: SessionRef) -> list[ast.AST]:
        """The values (or `withitem`s) that bind the local session `ref` in `function`."""
        if ref.kind is not SessionKind.CREATED or "." in ref.key:
            return []
        facts = self.facts(function)
        return [
            value
            for value in facts.assignments.get(ref.key, [])
            if self.sessions.created_session(value, function) is not None
        ]

    def class_attributes(self, cls: ClassInfo) -> dict[str, SessionRef | None]:
        return self.sessions.class_attributes(cls)

    # -- ownership ------------------------------------------------------------------------

    def owns(self, function: FunctionInfo | None, ref: SessionRef) -> bool:
        return self.ownership.owns(function, ref)

    def is_lifecycle(self, function: FunctionInfo) -> bool:
        return self.ownership.is_lifecycle(function)

    def provider_commits(self, provider: str | None) -> bool:
        return self.ownership.provider_commits(provider)

    # -- flow -----------------------------------------------------------------------------

    def can_catch_db_error(self, handler: ast.ExceptHandler) -> bool:
        return flow.can_catch_db_error(handler, self.imports)

    def always_raises(self, statements: list[ast.stmt], at: ast.AST) -> bool:
        function = self.function_at(at)
        return flow.terminates(statements, _RAISE, lambda c: self._never_returns(c, function))

    def always_leaves(self, statements: list[ast.stmt], at: ast.AST) -> bool:
        function = self.function_at(at)
        return flow.terminates(statements, _LEAVE, lambda c: self._never_returns(c, function))

    def caught_earlier(self, handlers: list[ast.ExceptHandler]) -> bool:
        """Whether one of `handlers` already catches every database error (`SQLAlchemyError`)."""
        return any(flow.catches_every_db_error(handler, self.imports) for handler in handlers)

    def handles_db_errors_first(self, handler: ast.ExceptHandler, ref: SessionRef) -> bool:
        """`except Exception as e: if isinstance(e, SQLAlchemyError): raise/rollback ...`."""
        if handler.name is None:
            return False
        for statement in handler.body:
            if not isinstance(statement, ast.If):
                continue
            test = statement.test
            if (
                isinstance(test, ast.Call)
                and isinstance(test.func, ast.Name)
                and test.func.id == "isinstance"
                and len(test.args) == 2
                and isinstance(test.args[0], ast.Name)
                and test.args[0].id == handler.name
                and flow.can_catch_db_error(
                    ast.ExceptHandler(type=test.args[1], name=None, body=[]), self.imports
                )
                and self.releases_session(statement.body, ref, statement)
            ):
                return True
        return False

    def _never_returns(self, call: ast.Call, function: FunctionInfo | None) -> bool:
        if flow.is_never_returning_call(call, self.imports):
            return True
        target = self._callee(call, function)
        if isinstance(target, FunctionInfo):
            return any(h.always_raises for h in self._local_helper(target.node))
        if isinstance(target, str):
            helpers = self.project.helpers(target)
            return helpers is not None and any(h.always_raises for h in helpers)
        return False

    def _callee(self, call: ast.Call, function: FunctionInfo | None) -> FunctionInfo | str | None:
        """The function a call targets: a function of this module, or a qualified name."""
        func = call.func
        if isinstance(func, ast.Name):
            local = self.structure.functions.get(func.id)
            if local is not None:
                return local
            origin = self.imports.origin(func.id)
            return origin
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            method_scope = function
            while method_scope is not None and method_scope.owner_class is None:
                method_scope = method_scope.parent
            if method_scope is not None and func.value.id == method_scope.self_name:
                assert method_scope.owner_class is not None
                method = method_scope.owner_class.methods.get(func.attr)
                return None if method is None else self.structure.info(method)
            if self.imports.origin(func.value.id) is not None:
                return self.imports.qualified_name(func)
        return None

    def _local_helper(self, function: FunctionNode) -> tuple[HelperSummary, ...]:
        found = self._helper_cache.get(function)
        if found is None:
            found = self._helper_cache[function] = summarize_helper(
                function, self.sessions, self.imports
            )
        return found

    def releases_session(self, statements: list[ast.stmt], ref: SessionRef, at: ast.AST) -> bool:
        """Whether every path through `statements` rolls back or closes `ref` (or raises).

        A release counts when made on `ref` itself, on an object that is not a
        known session (a savepoint, a transaction, a wrapper), or through a
        helper of this module or of the project that rolls back or closes it.
        A path that returns, continues or breaks before any release does not.
        """
        function = self.function_at(at)
        return self._block_outcome(statements, ref, function) is _Outcome.RELEASED

    def _block_outcome(
        self, statements: list[ast.stmt], ref: SessionRef, function: FunctionInfo | None
    ) -> _Outcome:
        for statement in statements:
            outcome = self._statement_outcome(statement, ref, function)
            if outcome is not _Outcome.NONE:
                return outcome
        return _Outcome.NONE

    def _statement_outcome(
        self, statement: ast.stmt, ref: SessionRef, function: FunctionInfo | None
    ) -> _Outcome:
        if isinstance(statement, ast.Raise):
            return _Outcome.RELEASED
        if isinstance(statement, ast.If):
            body = self._block_outcome(statement.body, ref, function)
            orelse = self._block_outcome(statement.orelse, ref, function)
            if body is orelse:
                return body
            return _Outcome.ESCAPED if _Outcome.ESCAPED in (body, orelse) else _Outcome.NONE
        if isinstance(statement, ast.With | ast.AsyncWith):
            return self._block_outcome(statement.body, ref, function)
        if self._releases_anywhere([statement], ref, function):
            return _Outcome.RELEASED
        if isinstance(statement, ast.Return | ast.Continue | ast.Break):
            return _Outcome.ESCAPED
        if not isinstance(statement, FunctionNode | ast.ClassDef) and any(
            isinstance(node, ast.Return | ast.Continue | ast.Break) for node in ast.walk(statement)
        ):
            return _Outcome.ESCAPED
        return _Outcome.NONE

    def _releases_anywhere(
        self, statements: list[ast.stmt], ref: SessionRef, function: FunctionInfo | None
    ) -> bool:
        for call in flow.iter_calls(statements):
            pair = flow.method_call(call)
            if pair is not None:
                receiver, method = pair
                if method in RELEASE_METHODS and self._same_session(call, ref, receiver):
                    return True
                if method == "rollback" and self._unknown_receiver(call):
                    # A savepoint, a transaction or a wrapper object: give it the benefit.
                    return True
            if self._helper_releases(call, ref, function):
                return True
        return False

    def _unknown_receiver(self, call: ast.Call) -> bool:
        """A receiver whose identity is unknown: not a session, or a `self.<attr>` session the
        class never assigns (it may be the very session the `try` used, under another name)."""
        assert isinstance(call.func, ast.Attribute)
        ref = self.session_of(call.func.value, call)
        if ref is None:
            return True
        if ref.kind is not SessionKind.ATTRIBUTE or ref.key.count(".") != 1:
            return False
        cls = _class_of_scope(self.function_at(call))
        return cls is not None and ref.key.split(".")[1] not in self.class_attributes(cls)

    def _same_session(self, call: ast.Call, ref: SessionRef, receiver: str) -> bool:
        if receiver == ref.key:
            return True
        assert isinstance(call.func, ast.Attribute)
        found = self.session_of(call.func.value, call)
        return found is not None and found.key == ref.key

    def _helper_releases(
        self, call: ast.Call, ref: SessionRef, function: FunctionInfo | None
    ) -> bool:
        target = self._callee(call, function)
        if target is None:
            return False
        if isinstance(target, FunctionInfo):
            if target.owner_class is not None and ref.kind is SessionKind.ATTRIBUTE:
                called = self.facts(target)
                attr_key = f"{target.self_name}.{ref.key.split('.', 1)[-1]}"
                if any(
                    site.method in RELEASE_METHODS and site.receiver in {attr_key, ref.key}
                    for site in called.method_calls
                ) or "rollback" in {site.method for site in called.method_calls}:
                    return True
            helpers: tuple[HelperSummary, ...] | None = self._local_helper(target.node)
        else:
            helpers = self.project.helpers(target)
            if helpers is None:
                last = target.split(".")[-1].lower()
                return ("rollback" in last or "close" in last) and self._passes(call, ref, None)
        global_key = None
        for helper in helpers or ():
            if not (helper.rolls_back or helper.closes):
                continue
            if helper.parameter_index >= 0 and self._passes(call, ref, helper):
                return True
            if helper.parameter_index < 0 and helper.parameter_name:
                global_key = global_key or self.sessions.global_key(ref.key)
                if helper.parameter_name == global_key:
                    return True
        return False

    def _passes(self, call: ast.Call, ref: SessionRef, helper: HelperSummary | None) -> bool:
        """Whether `call` passes `ref` (at the helper's parameter, if one is named)."""
        candidates: list[ast.expr] = []
        if helper is None:
            candidates = [*call.args, *(k.value for k in call.keywords)]
        else:
            if 0 <= helper.parameter_index < len(call.args):
                candidates.append(call.args[helper.parameter_index])
            candidates += [k.value for k in call.keywords if k.arg == helper.parameter_name]
        for argument in candidates:
            found = (
                self.session_of(argument, call)
                if isinstance(argument, ast.Name | ast.Attribute)
                else None
            )
            if found is not None and found.key == ref.key:
                return True
            if dotted_name(argument) == ref.key:
                return True
        return False

    def session_work(self, try_node: ast.Try) -> list[tuple[ast.Call, SessionRef]]:
        """Database work on sessions in `try_node`'s body that its handlers would see."""
        function = self.function_at(try_node)
        work: list[tuple[ast.Call, SessionRef]] = []
        stack: list[tuple[ast.AST, frozenset[str]]] = [
            (statement, frozenset()) for statement in reversed(try_node.body)
        ]
        while stack:
            node, protected = stack.pop()
            if isinstance(node, FunctionNode | ast.Lambda | ast.ClassDef):
                continue
            if isinstance(node, ast.With | ast.AsyncWith):
                inner = protected | self._protected_by(node, function)
                for item in node.items:
                    stack.append((item.context_expr, protected))
                stack.extend((statement, inner) for statement in reversed(node.body))
                continue
            # `try/except*` has the same fields as `try`.
            if isinstance(node, TRY_TYPES) and self._handles_failures(cast("ast.Try", node)):
                node = cast("ast.Try", node)
                for block in (node.finalbody, node.orelse, *[h.body for h in node.handlers]):
                    stack.extend((statement, protected) for statement in reversed(block))
                continue
            if isinstance(node, ast.Call):
                ref = self._work_session(node, function)
                if ref is not None and ref.key not in protected:
                    work.append((node, ref))
            stack.extend((child, protected) for child in reversed(list(ast.iter_child_nodes(node))))
        return work

    def _protected_by(
        self, node: ast.With | ast.AsyncWith, function: FunctionInfo | None
    ) -> set[str]:
        """Sessions whose failures inside this `with` are undone when the block exits."""
        keys: set[str] = set()
        for item in node.items:
            block = flow.savepoint_or_transaction_block(item)
            if block is not None:
                receiver = item.context_expr
                if isinstance(receiver, ast.Await):
                    receiver = receiver.value
                assert isinstance(receiver, ast.Call)
                assert isinstance(receiver.func, ast.Attribute)
                ref = self.sessions.session_of(receiver.func.value, function)
                keys.add(ref.key if ref is not None else block[0])
            if isinstance(item.optional_vars, ast.Name) and (
                self.sessions.created_session(item, function) is not None
            ):
                keys.add(item.optional_vars.id)
        return keys

    def _handles_failures(self, node: ast.Try) -> bool:
        """An inner `try` whose handler catches a database error without re-raising."""
        return any(
            self.can_catch_db_error(handler) and not self.always_raises(handler.body, handler)
            for handler in node.handlers
        )

    def _work_session(self, call: ast.Call, function: FunctionInfo | None) -> SessionRef | None:
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in WORK_METHODS
            and isinstance(func.value, ast.Name | ast.Attribute)
        ):
            ref = self.sessions.session_of(func.value, function)
            if ref is not None:
                return ref
        callee = dotted_name(func)
        if callee is None or callee in _HARMLESS_CALLEES:
            return None
        if isinstance(func, ast.Attribute) and func.attr in RELEASE_METHODS | {"add", "add_all"}:
            return None
        for argument in [*call.args, *(k.value for k in call.keywords)]:
            if isinstance(argument, ast.Name | ast.Attribute):
                ref = self.sessions.session_of(argument, function)
                if ref is not None:
                    return ref
        wrapped = self._wrapper_call(call, function)
        if wrapped is not None:
            return wrapped
        return self._method_work_session(call, function)

    def wrappers(self, function: FunctionInfo | None) -> dict[str, SessionRef]:
        """Local names bound to an object built from a session (`repo = UserRepo(session)`).

        Calls on such an object work through the session, and using it uses the session.
        """
        key = self.tree if function is None else function.node
        found = self._wrappers.get(key)
        if found is not None:
            return found
        found = self._wrappers[key] = {}
        if function is None:
            return found
        facts = self.facts(function)
        sessions = self.sessions.function_sessions(function)
        for name, values in facts.assignments.items():
            if sessions.get(name) is not None:
                continue
            for value in values:
                call = value.value if isinstance(value, ast.Await) else value
                if not isinstance(call, ast.Call) or not _builds_wrapper(call):
                    continue
                for argument in [*call.args, *(k.value for k in call.keywords)]:
                    if isinstance(argument, ast.Name | ast.Attribute):
                        ref = self.sessions.session_of(argument, function)
                        if ref is not None:
                            found[name] = ref
                            break
                if name in found:
                    break
        return found

    def _wrapper_call(self, call: ast.Call, function: FunctionInfo | None) -> SessionRef | None:
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            return self.wrappers(function).get(func.value.id)
        return None

    def _method_work_session(
        self, call: ast.Call, function: FunctionInfo | None, depth: int = 0
    ) -> SessionRef | None:
        """`self.load_user()` whose body (or a method it calls) works on `self.<session>`."""
        target = self._callee(call, function)
        if not isinstance(target, FunctionInfo) or target.owner_class is None:
            return None
        if function is None or target.node is function.node:
            return None
        if depth < 1:
            for site in self.facts(target).method_calls:
                if site.receiver == target.self_name:
                    deeper = self._method_work_session(site.node, target, depth + 1)
                    if deeper is not None:
                        return self._rekey(deeper, function)
        for site in self.facts(target).method_calls:
            if site.method in WORK_METHODS and site.receiver.startswith(f"{target.self_name}."):
                assert isinstance(site.node.func, ast.Attribute)
                ref = self.sessions.session_of(site.node.func.value, target)
                if ref is not None and ref.kind is SessionKind.ATTRIBUTE:
                    return self._rekey(ref, function)
        return None

    def _rekey(self, ref: SessionRef, function: FunctionInfo) -> SessionRef:
        """`ref` (`self.db` of another method) as the caller's `self` names it."""
        caller_self = next((s.self_name for s in _scopes(function) if s.owner_class), None)
        key = ref.key.split(".", 1)[1]
        return SessionRef(
            f"{caller_self}.{key}", ref.kind, ref.is_async, ref.provider, ref.created_by_class
        )

    def used_after(self, try_node: ast.Try, handler: ast.ExceptHandler, ref: SessionRef) -> bool:
        """Whether `ref` is used again after `handler` swallows, or outlives the function."""
        function = self.function_at(try_node)
        facts = self.facts(function)
        uses = self._uses(ref, facts)
        handler_uses = uses.within(handler)
        if handler_uses and handler_uses[0][1] not in RELEASE_METHODS:
            return True
        savepoint = self._enclosing_savepoint(try_node, ref, function)
        if savepoint is not None:
            # Caught inside `with ref.begin_nested():` - the block's exit rolls the savepoint
            # back, so only a use later inside the block (or the next loop turn in it) hurts.
            return any(
                _position(use) > _end_position(try_node) for use, _ in uses.within(savepoint)
            ) or any(
                _inside(loop, savepoint) and uses.within(loop)
                for loop in self.enclosing_loops(try_node)
            )
        cli_global = ref.kind in {SessionKind.MODULE, SessionKind.SCOPED} and (
            self.ownership.is_cli_entry(function)
        )
        if ref.kind in LASTING_KINDS and not cli_global:
            return True
        if ref.kind is SessionKind.INJECTED and not self.owns(function, ref):
            return True
        if ref.key in facts.returned_names:
            return True
        if self.always_leaves(handler.body, handler):
            return False
        bindings = self.session_bindings(function, ref)
        region_end = self._binding_region_end(bindings, facts)
        if not flow.terminates(handler.body, frozenset({flow.BREAK}), lambda _: False):
            for loop in self.enclosing_loops(try_node):
                if any(_inside(binding, loop) for binding in bindings):
                    break
                if uses.within(loop):
                    return True
        first_after = uses.first_after(_end_position(try_node))
        if first_after is None or _line(first_after[0]) > region_end:
            return False
        return first_after[1] not in RELEASE_METHODS

    def _enclosing_savepoint(
        self, node: ast.AST, ref: SessionRef, function: FunctionInfo | None
    ) -> ast.With | ast.AsyncWith | None:
        """The innermost `with <ref>.begin_nested():` around `node` in its function."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, ast.With | ast.AsyncWith):
                for item in ancestor.items:
                    block = flow.savepoint_or_transaction_block(item)
                    if block is None or block[1] != "begin_nested":
                        continue
                    if block[0] == ref.key:
                        return ancestor
                    found = self.sessions.session_of(_receiver_of(item.context_expr), function)
                    if found is not None and found.key == ref.key:
                        return ancestor
        return None

    def _binding_region_end(self, bindings: list[ast.AST], facts: FunctionFacts) -> int:
        """The last line where a `with`-bound session is still open (else: end of function)."""
        for binding in bindings:
            if isinstance(binding, ast.withitem):
                statement = facts.parents.get(binding)
                if isinstance(statement, ast.With | ast.AsyncWith):
                    return statement.end_lineno or statement.lineno
        return 1 << 30

    def _uses(self, ref: SessionRef, facts: FunctionFacts) -> _Uses:
        """Where the function uses `ref`: method calls on it and calls receiving it.

        Memoised per function and session: a function of many `try` blocks asks once per
        handler, and rescanning its calls each time made such a function quadratic.
        """
        key = (facts.function, ref.key)
        found = self._uses_cache.get(key)
        if found is None:
            found = self._uses_cache[key] = _Uses(self._scan_uses(ref, facts))
        return found

    def _scan_uses(self, ref: SessionRef, facts: FunctionFacts) -> list[tuple[ast.AST, str]]:
        aliases = {ref.key} | {
            name
            for name, wrapped in self.wrappers(self._function_of_facts(facts)).items()
            if wrapped.key == ref.key
        }
        uses: list[tuple[ast.AST, str]] = [
            (site.node, site.method if site.receiver == ref.key else "")
            for site in facts.method_calls
            if site.receiver in aliases
        ]
        for call in facts.calls:
            if any(dotted_name(argument) == ref.key for argument in call.args):
                uses.append((call, ""))
        return sorted(uses, key=lambda use: _position(use[0]))

    def _function_of_facts(self, facts: FunctionFacts) -> FunctionInfo | None:
        node = facts.function
        return None if isinstance(node, ast.Module) else self.structure.info(node)

    def header_span(self, handler: ast.ExceptHandler) -> Span:
        """The `except ...:` header of a handler, without its body."""
        end = handler.type if handler.type is not None else None
        if end is not None and end.end_lineno is not None and end.end_col_offset is not None:
            end_line, end_col = end.end_lineno, end.end_col_offset
            if handler.name:
                end_col += len(" as ") + len(handler.name)
        else:
            end_line, end_col = handler.lineno, handler.col_offset + len("except")
        return Span(handler.lineno, handler.col_offset, end_line, end_col)

    # -- diagnostics ----------------------------------------------------------------------

    def diagnostic(
        self, rule: Rule, node: ast.AST | Span, message: str, help: str, fix: Fix | None
    ) -> Diagnostic:
        """A finding of `rule` anchored at `node`, with 1-based character columns."""
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        column = self._char_column(line, getattr(node, "col_offset", 0))
        end_column = self._char_column(end_line, getattr(node, "end_col_offset", None) or 0)
        if end_line == line and end_column <= column:
            end_column = column + 1
        return Diagnostic(
            code=rule.code,
            name=rule.name,
            message=message,
            path=self.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            help=help,
            fix=fix,
        )

    def apply_noqa(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """Drop the findings silenced by a `# noqa` comment on their anchor line."""
        found = list(diagnostics)
        if not any(self._may_hold_noqa(d.line) for d in found):
            return found  # tokenizing the file to find its comments is for the rare case
        if self._noqa is None:
            self._noqa = parse_noqa(self.source)
        noqa = self._noqa
        return [d for d in found if not is_silenced(noqa, d.line, d.code)]

    def _may_hold_noqa(self, line: int) -> bool:
        return 0 < line <= len(self._lines) and "noqa" in self._lines[line - 1].lower()

    def _char_column(self, line: int, byte_offset: int) -> int:
        """Convert `ast`'s UTF-8 byte offset on `line` to a 1-based character column."""
        if 0 < line <= len(self._lines):
            text = self._lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1
        return byte_offset + 1


def is_test_path(path: str) -> bool:
    """`tests/...`, `test_x.py`, `x_test.py`, `conftest.py`."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(part in {"tests", "test"} for part in parts[:-1])
    )


def _builds_wrapper(call: ast.Call) -> bool:
    """`UserRepository(session)`, `Repo.from_session(session)`: constructs an object around
    the session (a getter such as `service.get(db_session=...)` returns plain data)."""
    name = (dotted_name(call.func) or "").split(".")[-1]
    return name[:1].isupper() or name in {"from_session", "with_session", "for_session"}


def _class_of_scope(function: FunctionInfo | None) -> ClassInfo | None:
    while function is not None:
        if function.owner_class is not None:
            return function.owner_class
        function = function.parent
    return None


def _scopes(function: FunctionInfo) -> Iterator[FunctionInfo]:
    scope: FunctionInfo | None = function
    while scope is not None:
        yield scope
        scope = scope.parent


def _receiver_of(context: ast.expr) -> ast.expr:
    """`session` in `session.begin_nested()` / `await session.begin_nested()`."""
    if isinstance(context, ast.Await):
        context = context.value
    assert isinstance(context, ast.Call)
    assert isinstance(context.func, ast.Attribute)
    return context.func.value


def _line(node: ast.AST) -> int:
    return getattr(node, "lineno", 0)


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _end_position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0


class _Uses:
    """A function's uses of one session, sorted by position, searched by bisection."""

    def __init__(self, uses: list[tuple[ast.AST, str]]) -> None:
        #: (call, method called on the session, or "" for a call receiving it), sorted.
        self.uses = uses
        self._positions = [_position(use) for use, _ in uses]

    def within(self, container: ast.AST) -> list[tuple[ast.AST, str]]:
        """The uses inside `container`'s source range, in order."""
        start = bisect.bisect_left(self._positions, _position(container))
        end = bisect.bisect_right(self._positions, _end_position(container))
        return self.uses[start:end]

    def first_after(self, position: tuple[int, int]) -> tuple[ast.AST, str] | None:
        """The first use that starts after `position`."""
        index = bisect.bisect_right(self._positions, position)
        return self.uses[index] if index < len(self.uses) else None


def _inside(node: ast.AST, container: ast.AST) -> bool:
    if isinstance(node, ast.withitem):
        node = node.context_expr
    start = _position(container)
    end = _end_position(container)
    return start <= _position(node) <= end
