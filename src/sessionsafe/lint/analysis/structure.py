"""Where things are: module-level bindings, functions, classes, and per-function facts.

Building the model must cost little next to `ast.parse`, so this pass reads
only module-level statements (and class bodies) when the model is built.
A function's body is walked once, lazily, the first time a rule asks about
something inside it (`FunctionFacts`); the walk records parents, calls,
bindings and nested functions, and every later query reads those records.
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeGuard

from sessionsafe.lint.analysis.names import dotted_name

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
#: `try` statements; `try/except*` (Python 3.11+) has the same fields.
TRY_TYPES: tuple[type[ast.stmt], ...] = tuple(
    node_type for node_type in (ast.Try, getattr(ast, "TryStar", None)) if node_type is not None
)

#: Statements whose bodies belong to the same scope as the statement itself.
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers")


def nested_blocks(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists directly inside `statement` (if/for/while/try/with/match bodies)."""
    for name in _block_fields(statement.__class__):
        block = getattr(statement, name, None)
        if not block:
            continue
        if name in _CLAUSE_FIELDS:
            for clause in block:
                yield clause.body
        else:
            yield block


def scope_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a scope, in source order, without entering nested defs/classes."""
    # An explicit stack, not recursion: nested generators cost a frame per level per item.
    pending = body[::-1]
    pop = pending.pop
    while pending:
        statement = pop()
        yield statement
        fields = _BLOCKS.get(statement.__class__)
        if fields is None:
            fields = _block_fields(statement.__class__)
        if fields:
            inner: list[ast.stmt] = []
            for block in nested_blocks(statement):
                inner += block
            pending += reversed(inner)


#: `try`'s handlers and `match`'s cases: clauses, each with a body of its own.
_CLAUSE_FIELDS = frozenset({"handlers", "cases"})
#: Statement type -> its block fields, in the order `nested_blocks` yields them.
_BLOCKS: dict[type[ast.AST], tuple[str, ...]] = {}


def _block_fields(statement_type: type[ast.AST]) -> tuple[str, ...]:
    fields = _BLOCKS.get(statement_type)
    if fields is None:
        if issubclass(statement_type, FunctionNode | ast.ClassDef):
            fields = ()
        else:
            fields = tuple(name for name in _BLOCK_FIELDS if name in statement_type._fields)
            if issubclass(statement_type, ast.Match):
                fields += ("cases",)
        _BLOCKS[statement_type] = fields
    return fields


@dataclass(eq=False, slots=True)
class CallSite:
    """A method call `<receiver>.<method>(...)` seen in a function body."""

    node: ast.Call
    receiver: str
    method: str


@dataclass(eq=False)
class FunctionFacts:
    """What one walk of a function body (nested defs excluded) found."""

    function: FunctionNode | ast.Module
    #: Parent of every node inside the function (the function itself for its top statements).
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    #: `<dotted receiver>.<method>(...)` calls, in walk order.
    method_calls: list[CallSite] = field(default_factory=list)
    #: Every call node, for helper lookups (`handle_error(session)`).
    calls: list[ast.Call] = field(default_factory=list)
    #: Local name -> the expressions assigned to it (`x = ...`, `with ... as x`, `x := ...`).
    assignments: dict[str, list[ast.expr]] = field(default_factory=dict)
    #: `self.<attr> = value` assignments made in this function (attr -> values).
    self_assignments: dict[str, list[ast.expr]] = field(default_factory=dict)
    #: Names imported inside the function body.
    imports: list[ast.Import | ast.ImportFrom] = field(default_factory=list)
    #: Functions defined directly inside this one.
    nested: list[FunctionNode] = field(default_factory=list)
    #: Names returned or yielded (`return session`, `yield db`).
    returned_names: set[str] = field(default_factory=set)
    #: Names declared `global` or `nonlocal`.
    declared_global: set[str] = field(default_factory=set)
    is_generator: bool = False

    def receivers(self, method: str) -> set[str]:
        """Dotted receivers `x` of `x.<method>(...)` calls in this function."""
        return {site.receiver for site in self.method_calls if site.method == method}

    def methods_called_on(self, receiver: str) -> set[str]:
        return {site.method for site in self.method_calls if site.receiver == receiver}


def walk_function(function: FunctionNode | ast.Module) -> FunctionFacts:
    """Walk one function body (or the module's own code) once and record its facts."""
    facts = FunctionFacts(function)
    parents = facts.parents
    stack: list[ast.AST] = []
    push = stack.append
    pop = stack.pop
    # Exact types, not `isinstance`: this loop is the model's hottest path.
    function_types = _FUNCTION_TYPES
    recorded = _RECORDED_TYPES
    kept = _KEPT_TYPES
    pushed = _PUSHED_TYPES
    fields_of = _CHILD_FIELDS
    for statement in function.body:
        parents[statement] = function
        push(statement)
    while stack:
        node = pop()
        node_type = node.__class__
        if node_type in function_types:
            nested: FunctionNode = node  # type: ignore[assignment]
            facts.nested.append(nested)
            # Decorators and defaults run in this scope; the body does not.
            outer: list[ast.expr | None] = [
                *nested.decorator_list,
                *nested.args.defaults,
                *nested.args.kw_defaults,
            ]
            for default in outer:
                if default is not None:
                    parents[default] = node
                    push(default)
            continue
        if node_type in recorded:
            _record(facts, node)
        # `ast.iter_child_nodes`, inlined; contexts and operators (`Load`, `Add`: a third of
        # all nodes) hold nothing and no query asks for their parent, so they are skipped
        # (as are field values that are not nodes: the one set test drops both), and fields
        # that only ever hold those or identifiers are not read (`_CHILD_FIELDS`). A `Name` or
        # `Constant` gets its parent but is not pushed: there is nothing under it to record.
        for name in fields_of[node_type]:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for child in value:
                    if child.__class__ in kept:
                        parents[child] = node
                        if child.__class__ in pushed:
                            push(child)
            elif value.__class__ in kept:
                parents[value] = node
                if value.__class__ in pushed:
                    push(value)
    facts.method_calls.reverse()
    facts.calls.reverse()
    return facts


_FUNCTION_TYPES: frozenset[type[ast.AST]] = frozenset({ast.FunctionDef, ast.AsyncFunctionDef})
#: Node types `_record` looks at.
_RECORDED = (
    ast.Call,
    ast.Assign,
    ast.AnnAssign,
    ast.AugAssign,
    ast.NamedExpr,
    ast.withitem,
    ast.Import,
    ast.ImportFrom,
    ast.Return,
    ast.Yield,
    ast.YieldFrom,
    ast.Global,
    ast.Nonlocal,
)
_RECORDED_TYPES: frozenset[type[ast.AST]] = frozenset(_RECORDED)
#: Field-less expression parts: contexts (`Load`, `Store`, `Del`) and operators.
_LEAF_TYPES: frozenset[type[ast.AST]] = frozenset(
    leaf
    for kind in (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
    for leaf in kind.__subclasses__()
)
#: The node types `walk_function` records a parent for and descends into.
_KEPT_TYPES: frozenset[type[ast.AST]] = (
    frozenset(
        node_type
        for node_type in vars(ast).values()
        if isinstance(node_type, type) and issubclass(node_type, ast.AST)
    )
    - _LEAF_TYPES
)

#: Fields that hold identifiers, numbers or flags, never a node (Python's grammar);
#: Global's and Nonlocal's `names` are strings too, but Import's are `alias` nodes.
_NAME_FIELDS = frozenset(
    {"id", "attr", "arg", "name", "asname", "module", "level", "type_comment", "conversion"}
    | {"is_async", "kind", "rest", "kwd_attrs", "tag"}
)
#: Fields holding only contexts or operators, which `walk_function` skips.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
#: Node type -> the fields that may hold a node `walk_function` keeps, in field order.
_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {
    node_type: tuple(name for name in node_type._fields if name not in _NAME_FIELDS | _LEAF_FIELDS)
    for node_type in _KEPT_TYPES
}
#: The kept node types worth popping: those with a child field, recorded, or functions.
_PUSHED_TYPES: frozenset[type[ast.AST]] = frozenset(
    node_type
    for node_type, fields in _CHILD_FIELDS.items()
    if fields or node_type in _RECORDED_TYPES or node_type in _FUNCTION_TYPES
)


def _record(facts: FunctionFacts, node: ast.AST) -> None:
    if isinstance(node, ast.Call):
        facts.calls.append(node)
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = dotted_name(func.value)
            if receiver is not None:
                facts.method_calls.append(CallSite(node, receiver, func.attr))
            elif isinstance(func.value, ast.Call | ast.Await | ast.Subscript):
                # `s.query(X).filter(...).first()`: the chain's root receiver matters.
                root = _chain_root(func.value)
                if root is not None:
                    facts.method_calls.append(CallSite(node, root, func.attr))
    elif isinstance(node, ast.Assign):
        for target in node.targets:
            _record_target(facts, target, node.value)
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        if node.value is not None:
            _record_target(facts, node.target, node.value)
    elif isinstance(node, ast.NamedExpr):
        facts.assignments.setdefault(node.target.id, []).append(node.value)
    elif isinstance(node, ast.withitem):
        if node.optional_vars is not None:
            _record_target(facts, node.optional_vars, node)  # type: ignore[arg-type]
    elif isinstance(node, ast.Import | ast.ImportFrom):
        facts.imports.append(node)
    elif isinstance(node, ast.Global | ast.Nonlocal):
        facts.declared_global.update(node.names)
    elif isinstance(node, ast.Return | ast.Yield | ast.YieldFrom):
        if isinstance(node, ast.Yield | ast.YieldFrom):
            facts.is_generator = True
        if isinstance(node.value, ast.Name):
            facts.returned_names.add(node.value.id)


def _chain_root(expr: ast.expr) -> str | None:
    """`s` for `s.query(X).filter(...)`, `await s.execute(q)`, `s.scalars(q)[0]`."""
    while True:
        if isinstance(expr, ast.Await):
            expr = expr.value
        elif isinstance(expr, ast.Call):
            expr = expr.func
        elif isinstance(expr, ast.Subscript):
            expr = expr.value
        elif isinstance(expr, ast.Attribute):
            if isinstance(expr.value, ast.Name | ast.Attribute):
                text = dotted_name(expr.value)
                if text is not None:
                    return text
            expr = expr.value
        else:
            return None


def _record_target(facts: FunctionFacts, target: ast.expr, value: ast.expr) -> None:
    """Record `target = value`; a `withitem` is stored as the value of its `as` target."""
    if isinstance(target, ast.Name):
        facts.assignments.setdefault(target.id, []).append(value)
    elif _is_self_attribute(target):
        facts.self_assignments.setdefault(target.attr, []).append(value)


@dataclass(eq=False)
class ClassInfo:
    """A class and its methods (by name)."""

    node: ast.ClassDef
    methods: dict[str, FunctionNode] = field(default_factory=dict)

    @property
    def base_names(self) -> list[str]:
        names = []
        for base in self.node.bases:
            text = dotted_name(base.value if isinstance(base, ast.Subscript) else base)
            if text:
                names.append(text)
        return names

    @property
    def is_context_manager(self) -> bool:
        """A unit-of-work class: it defines `__exit__` or `__aexit__`."""
        return "__exit__" in self.methods or "__aexit__" in self.methods


@dataclass(eq=False)
class FunctionInfo:
    """A function and where it sits."""

    node: FunctionNode
    #: The class the function is a method of (directly), if any.
    owner_class: ClassInfo | None
    #: The function this one is nested in, if any.
    parent: FunctionInfo | None

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def self_name(self) -> str | None:
        """The name of the instance parameter of a method (`self`), if any."""
        if self.owner_class is None:
            return None
        params = self.node.args.posonlyargs + self.node.args.args
        if not params or any(
            _decorator_name(d) == "staticmethod" for d in self.node.decorator_list
        ):
            return None
        return params[0].arg


def _decorator_name(decorator: ast.expr) -> str | None:
    return dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator)


class ModuleStructure:
    """Module-level bindings, functions and classes; per-function facts on demand."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        #: Module-level `name = value` assignments (last one wins for lookups).
        self.assignments: dict[str, list[ast.expr]] = {}
        #: Module-level imports.
        self.imports: list[ast.Import | ast.ImportFrom] = []
        #: Module-level names bound by unpacking (`SessionLocal, engine = init_db(url)`).
        self.unpacked: set[str] = set()
        #: Module-level functions by name (the last definition wins).
        self.functions: dict[str, FunctionInfo] = {}
        self.classes: dict[str, ClassInfo] = {}
        #: Module-level expression calls (`app.add_url_rule(...)`).
        self.module_calls: list[ast.Call] = []
        self._starts: list[int] = []
        self._spans: list[tuple[int, int, FunctionInfo]] = []
        self._infos: dict[ast.AST, FunctionInfo] = {}
        self._facts: dict[ast.AST, FunctionFacts] = {}
        #: `function_at` answers: rules ask it about the same node many times.
        self._function_at: dict[ast.AST, FunctionInfo | None] = {}
        self._index_scope(tree.body, owner_class=None)
        self._spans.sort(key=lambda span: span[0])
        self._starts = [span[0] for span in self._spans]

    def _index_scope(self, body: list[ast.stmt], owner_class: ClassInfo | None) -> None:
        for statement in scope_statements(body):
            if isinstance(statement, FunctionNode):
                info = self._add_function(statement, owner_class, None)
                if owner_class is not None:
                    owner_class.methods[statement.name] = statement
                else:
                    self.functions[statement.name] = info
            elif isinstance(statement, ast.ClassDef):
                cls = ClassInfo(statement)
                if owner_class is None:
                    self.classes[statement.name] = cls
                self._index_scope(statement.body, cls)
            elif owner_class is None:
                self._index_module_statement(statement)

    def _index_module_statement(self, statement: ast.stmt) -> None:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            self.imports.append(statement)
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    self.assignments.setdefault(target.id, []).append(statement.value)
                elif isinstance(target, ast.Tuple | ast.List):
                    self.unpacked.update(
                        element.id for element in target.elts if isinstance(element, ast.Name)
                    )
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            if isinstance(statement.target, ast.Name):
                self.assignments.setdefault(statement.target.id, []).append(statement.value)
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            self.module_calls.append(statement.value)

    def _add_function(
        self, node: FunctionNode, owner_class: ClassInfo | None, parent: FunctionInfo | None
    ) -> FunctionInfo:
        info = FunctionInfo(node, owner_class, parent)
        self._infos[node] = info
        end = node.end_lineno or node.lineno
        self._spans.append((node.lineno, end, info))
        return info

    # -- queries -------------------------------------------------------------------------

    def function_imports(
        self, import_lines: list[int] | None = None
    ) -> list[ast.Import | ast.ImportFrom]:
        """The imports inside function bodies, read from statements only (an import is
        always one), so the model can know them all up front and no query depends on
        which functions happened to be walked before it.

        `import_lines`, the sorted numbers of the lines that spell `import`, lets the
        search skip every statement whose lines hold none.
        """
        return list(_imports_in_functions(self.tree.body, False, import_lines))

    def info(self, function: FunctionNode) -> FunctionInfo:
        """The `FunctionInfo` of a function node (indexing it if it was never seen)."""
        found = self._infos.get(function)
        if found is None:
            parent = self.function_at(function)
            # Finding the parent walks it, which indexes its nested functions (this one
            # with the class it is a method of): keep that entry rather than a second one.
            found = self._infos.get(function)
            if found is None:
                found = self._add_function(function, None, parent)
                self._resort()
        return found

    def facts(self, function: FunctionNode | ast.Module) -> FunctionFacts:
        """The facts of one function body (or the module's code), walked once and cached."""
        found = self._facts.get(function)
        if found is None:
            found = self._facts[function] = walk_function(function)
            if isinstance(function, ast.Module):
                return found
            parent = self.info(function)
            added = False
            for nested in found.nested:
                if nested not in self._infos:
                    self._add_function(nested, self._method_owner(nested, found), parent)
                    added = True
            if added:
                self._resort()
        return found

    def self_assignments(self, function: FunctionNode) -> dict[str, list[ast.expr]]:
        """`FunctionFacts.self_assignments` of a function; one without a statement assigning
        to a `self.<attr>` is answered from its statements, without walking its body."""
        if function not in self._facts and not _assigns_to_self(function.body):
            return {}
        return self.facts(function).self_assignments

    def _method_owner(self, nested: FunctionNode, facts: FunctionFacts) -> ClassInfo | None:
        parent = facts.parents.get(nested)
        if isinstance(parent, ast.ClassDef):
            cls = ClassInfo(parent)
            for statement in parent.body:
                if isinstance(statement, FunctionNode):
                    cls.methods[statement.name] = statement
            return cls
        return None

    def _resort(self) -> None:
        self._spans.sort(key=lambda span: span[0])
        self._starts = [span[0] for span in self._spans]

    def function_at(self, node: ast.AST) -> FunctionInfo | None:
        """The innermost function whose body contains `node`, or `None` at module level.

        The answer does not depend on which functions were walked before (the search walks
        down until no nested function holds the node), so it is kept per node.
        """
        try:
            return self._function_at[node]
        except KeyError:
            found = self._function_at[node] = self._find_function_at(node)
            return found

    def _find_function_at(self, node: ast.AST) -> FunctionInfo | None:
        line = getattr(node, "lineno", None)
        if line is None:
            return None
        outer = self._innermost(line, node)
        while outer is not None:
            # Nested functions become known once their parent is walked.
            facts = self.facts(outer.node)
            if not facts.nested:
                return outer
            inner = self._innermost(line, node)
            if inner is outer or inner is None:
                return outer
            outer = inner
        return None

    def _innermost(self, line: int, node: ast.AST) -> FunctionInfo | None:
        index = bisect.bisect_right(self._starts, line) - 1
        while index >= 0:
            start, end, info = self._spans[index]
            if start <= line <= end and info.node is not node and _inside_body(info.node, node):
                return info
            index -= 1
        return None

    def parent(self, node: ast.AST) -> ast.AST | None:
        """The parent of a node inside a function (module-level nodes have none recorded)."""
        function = self.function_at(node)
        if function is None:
            return None
        return self.facts(function.node).parents.get(node)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        """The parents of `node`, innermost first, up to its function (inclusive)."""
        function = self.function_at(node)
        if function is None:
            return
        parents = self.facts(function.node).parents
        current = parents.get(node)
        while current is not None:
            yield current
            if current is function.node:
                return
            current = parents.get(current)


def _imports_in_functions(
    body: list[ast.stmt], in_function: bool, import_lines: list[int] | None
) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements inside function bodies (classes inside functions included)."""
    for statement in scope_statements(body):
        if import_lines is not None and not _spans_any(statement, import_lines):
            continue
        if isinstance(statement, FunctionNode):
            yield from _imports_in_functions(statement.body, True, import_lines)
        elif isinstance(statement, ast.ClassDef):
            yield from _imports_in_functions(statement.body, in_function, import_lines)
        elif in_function and isinstance(statement, ast.Import | ast.ImportFrom):
            yield statement


def _spans_any(statement: ast.stmt, lines: list[int]) -> bool:
    """Whether one of the sorted line numbers `lines` is within the statement's lines."""
    index = bisect.bisect_left(lines, statement.lineno)
    return index < len(lines) and lines[index] <= (statement.end_lineno or statement.lineno)


def _assigns_to_self(body: list[ast.stmt]) -> bool:
    """Whether a scope's statements (classes inside it included, as `walk_function` reads
    them) assign to a `self.<attr>`: `=`, annotated, augmented, or `with ... as self.x`."""
    for statement in scope_statements(body):
        if isinstance(statement, ast.ClassDef):
            if _assigns_to_self(statement.body):
                return True
        elif any(_is_self_attribute(target) for target in _assigned_targets(statement)):
            return True
    return False


def _assigned_targets(statement: ast.stmt) -> list[ast.expr | None]:
    """The targets `_record` records a value for (a `with` item's `as` target included)."""
    if isinstance(statement, ast.Assign):
        return list(statement.targets)
    if isinstance(statement, ast.AnnAssign | ast.AugAssign):
        return [statement.target] if statement.value is not None else []
    if isinstance(statement, ast.With | ast.AsyncWith):
        return [item.optional_vars for item in statement.items]
    return []


def _is_self_attribute(target: ast.expr | None) -> TypeGuard[ast.Attribute]:
    """`self.<attr>`: a target `_record_target` records in `self_assignments`."""
    return (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    )


def _inside_body(function: FunctionNode, node: ast.AST) -> bool:
    """Whether `node` (on a line the function spans) is in its body, not its signature."""
    first = function.body[0]
    line = getattr(node, "lineno", 0)
    if line > first.lineno:
        return True
    if line < first.lineno:
        return False
    return getattr(node, "col_offset", 0) >= first.col_offset or line > function.lineno
