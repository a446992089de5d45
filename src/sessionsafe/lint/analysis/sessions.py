"""Which names and expressions are SQLAlchemy sessions, session factories, async sessions.

DESIGN.md, "What counts as a session": names bound from `Session(...)`,
`AsyncSession(...)`, `sessionmaker(...)()`, `async_sessionmaker(...)()`,
`scoped_session(...)`, a module-level factory (also imported from another module
of the project), `with/async with <factory>() as s`, `<factory>.begin()`,
parameters annotated with those types (`Optional`, `Annotated[..., Depends(...)]`,
string annotations included), Flask-SQLAlchemy `db.session`, SQLModel `Session`,
and `self.<attr>` assigned from any of these.

Real projects are checked one directory at a time, so a factory often lives in
a module that is not checked. Names are then recognised by convention *and*
usage: `from app.db import SessionLocal` is a factory, a parameter named
`session` that is used like a session (`session.add(...)`) is a session, but a
`db` parameter must be used with an ORM-only method (`db.query(...)`), because
`db.commit()` is just as likely a `sqlite3` connection. Anything whose import
comes from a library known to have its own "session" (requests, aiohttp, boto3,
Flask's cookie `session`, ...) is never a session.
"""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sessionsafe.lint.analysis.names import ImportTable, dotted_name
from sessionsafe.lint.analysis.structure import (
    ClassInfo,
    FunctionInfo,
    FunctionNode,
    ModuleStructure,
)

if TYPE_CHECKING:
    from sessionsafe.lint.analysis.project import ProjectIndex
    from sessionsafe.lint.config import Settings


class SessionKind(enum.Enum):
    """How a function got hold of a session; decides ownership and lifetime."""

    #: Made in this function: `Session(...)`, `factory()`, `with factory() as s`.
    CREATED = "created"
    #: Received as an argument.
    PARAMETER = "parameter"
    #: Injected by a framework dependency (`Depends(get_db)`, `SessionDep`).
    INJECTED = "injected"
    #: An attribute of the instance: `self.<attr>`.
    ATTRIBUTE = "attribute"
    #: One module-level session instance (shared by every caller).
    MODULE = "module"
    #: A `scoped_session` registry or Flask-SQLAlchemy's `db.session`.
    SCOPED = "scoped"


#: Kinds of session whose state outlives the function that uses it.
LASTING_KINDS = frozenset(
    {SessionKind.PARAMETER, SessionKind.ATTRIBUTE, SessionKind.MODULE, SessionKind.SCOPED}
)


@dataclass(frozen=True, slots=True)
class SessionRef:
    """A session as a function refers to it.

    `key` is the dotted text that names it in code (`session`, `self.session`,
    `db.session`); two references to the same session share a key.
    """

    key: str
    kind: SessionKind
    is_async: bool = False
    #: For `INJECTED`: the dotted name of the dependency that provides it (`get_db`).
    provider: str | None = None
    #: For `ATTRIBUTE`: the class creates the session itself (it owns it).
    created_by_class: bool = False

    @property
    def origin(self) -> str:
        """How the session reached the function, for messages ("a parameter")."""
        return _ORIGINS[self.kind]


_ORIGINS = {
    SessionKind.CREATED: "created here",
    SessionKind.PARAMETER: "a parameter",
    SessionKind.INJECTED: "injected by a dependency",
    SessionKind.ATTRIBUTE: "an attribute of `self`",
    SessionKind.MODULE: "a module-level session",
    SessionKind.SCOPED: "a scoped session",
}

# -- what SQLAlchemy and friends call things ------------------------------------------------

SESSION_CLASSES: dict[str, bool] = {
    # qualified name -> is async
    "sqlalchemy.orm.Session": False,
    "sqlalchemy.orm.session.Session": False,
    "sqlalchemy.ext.asyncio.AsyncSession": True,
    "sqlalchemy.ext.asyncio.session.AsyncSession": True,
    "sqlmodel.Session": False,
    "sqlmodel.orm.session.Session": False,
    "sqlmodel.ext.asyncio.session.AsyncSession": True,
}

#: Annotations that denote a scoped registry used as a session.
SCOPED_CLASSES: dict[str, bool] = {
    "sqlalchemy.orm.scoped_session": False,
    "sqlalchemy.orm.scoping.scoped_session": False,
    "sqlalchemy.ext.asyncio.async_scoped_session": True,
    "sqlalchemy.ext.asyncio.scoping.async_scoped_session": True,
}

#: Calls that build a session factory -> factory kind.
FACTORY_CALLS: dict[str, str] = {
    "sqlalchemy.orm.sessionmaker": "sync",
    "sqlalchemy.orm.session.sessionmaker": "sync",
    "sqlalchemy.ext.asyncio.async_sessionmaker": "async",
    "sqlalchemy.ext.asyncio.session.async_sessionmaker": "async",
    "sqlalchemy.orm.scoped_session": "scoped",
    "sqlalchemy.orm.scoping.scoped_session": "scoped",
    "sqlalchemy.ext.asyncio.async_scoped_session": "async_scoped",
    "sqlalchemy.ext.asyncio.scoping.async_scoped_session": "async_scoped",
    "flask_sqlalchemy.SQLAlchemy": "flask_sqlalchemy",
    "flask_sqlalchemy.extension.SQLAlchemy": "flask_sqlalchemy",
}

#: Top-level packages whose session-like objects have nothing to do with SQLAlchemy.
FOREIGN_SESSION_MODULES = frozenset(
    {
        "aioboto3",
        "aiogram",
        "aiohttp",
        "authlib",
        "boto3",
        "botocore",
        "bottle",
        "cassandra",
        "cherrypy",
        "django",
        "flask",
        "grpc",
        "http",
        "httpx",
        "itsdangerous",
        "keras",
        "mechanize",
        "motor",
        "neo4j",
        "oauthlib",
        "onnxruntime",
        "paramiko",
        "pymongo",
        "pyrogram",
        "pyspark",
        "quart",
        "requests",
        "requests_oauthlib",
        "sanic",
        "scrapy",
        "selenium",
        "starlette",
        "telethon",
        "tensorflow",
        "tornado",
        "urllib3",
        "werkzeug",
        "zeep",
    }
)

SQLALCHEMY_MODULES = ("sqlalchemy", "sqlmodel", "flask_sqlalchemy", "alembic")

#: Imported names that are session factories (or scoped registries) by convention.
CONVENTIONAL_FACTORIES = frozenset(
    {
        "sessionlocal",
        "session_local",
        "localsession",
        "asyncsessionlocal",
        "async_session_local",
        "async_session",
        "async_session_maker",
        "async_session_factory",
        "asyncsessionfactory",
        "asyncsessionmaker",
        "session_factory",
        "sessionfactory",
        "session_maker",
        "sessionmaker",
        "scopedsession",
        "scoped_session",
        "dbsession",
        "db_session",
        "session",
        "asyncsession",
        "sync_session",
        "syncsession",
    }
)

#: Names of dependencies/context managers that hand out a session by convention.
CONVENTIONAL_PROVIDERS = frozenset(
    {
        "get_db",
        "get_session",
        "get_db_session",
        "get_async_session",
        "get_async_db",
        "get_sync_session",
        "get_database_session",
        "get_dbsession",
        "session_scope",
        "get_session_scope",
        "db_session",
        "get_sqlalchemy_session",
        "create_session",
        "new_session",
        "make_session",
        "open_session",
        "provide_session",
        "transactional_session",
        "session_context",
        "get_transaction",
        "transaction_scope",
    }
)

#: Parameter/attribute names (leading underscores stripped) that usually hold a session.
SESSION_LIKE_NAMES = frozenset(
    {
        "session",
        "db_session",
        "dbsession",
        "sess",
        "db_sess",
        "async_session",
        "orm_session",
        "sa_session",
        "sql_session",
        "database_session",
        "session_db",
        "sqla_session",
        "dbsess",
    }
)
#: Names that mean a database session on their own, however they are used.
SESSION_BY_NAME = frozenset(
    {"db_session", "dbsession", "orm_session", "sa_session", "sqla_session"}
)
#: Names that hold a session as often as a DB-API connection; need ORM-only usage.
DB_LIKE_NAMES = frozenset({"db", "database", "conn_db"})

#: Methods only an ORM session has (a DB-API connection or a dict does not).
ORM_ONLY_METHODS = frozenset(
    {
        "query",
        "add_all",
        "flush",
        "scalars",
        "scalar",
        "merge",
        "refresh",
        "expunge",
        "expunge_all",
        "begin_nested",
        "expire",
        "expire_all",
        "bulk_save_objects",
        "bulk_insert_mappings",
        "bulk_update_mappings",
        "get_bind",
        "in_transaction",
        "exec",
        "get_one",
        "run_sync",
        "stream_scalars",
        "no_autoflush",
    }
)
#: Methods a session has, weaker evidence on their own.
SESSION_METHODS = ORM_ONLY_METHODS | {
    "add",
    "execute",
    "commit",
    "rollback",
    "delete",
    "get",
    "close",
    "begin",
    "stream",
}

#: Methods that, on an object named like a session, mean an ORM session.
_STRONG_SESSION_METHODS = frozenset({"commit", "execute", "add", "rollback"})
#: Attributes of a web request that hold its database session (Pyramid cookiecutter, warehouse).
_REQUEST_SESSION_ATTRS = frozenset({"dbsession", "db", "db_session"})
#: Objects whose `.session` is a web session, not a database session.
_WEB_REQUEST_NAMES = frozenset({"request", "req", "ctx", "context", "websocket", "flask"})

_FACTORY_NAMES = {
    "sessionmaker": "sync",
    "async_sessionmaker": "async",
    "scoped_session": "scoped",
    "async_scoped_session": "async_scoped",
}

_FASTAPI_DEPENDS = frozenset(
    {"fastapi.Depends", "fastapi.params.Depends", "fastapi.Security", "Depends", "Security"}
)
_TYPING_WRAPPERS = frozenset({"Optional", "Annotated", "Union", "Type", "Mapped"})


def bare(name: str) -> str:
    """`session` for `_session`, `__session`; used for attribute and parameter names."""
    return name.lstrip("_").lower()


class SessionResolver:
    """Answers "is this a session / a factory?" for one module; caches per scope."""

    def __init__(
        self,
        structure: ModuleStructure,
        imports: ImportTable,
        project: ProjectIndex,
        settings: Settings,
    ) -> None:
        self.structure = structure
        self.imports = imports
        self.project = project
        self.settings = settings
        self._function_sessions: dict[ast.AST, dict[str, SessionRef | None]] = {}
        self._class_attributes: dict[ast.AST, dict[str, SessionRef | None]] = {}
        self._module_names: dict[str, SessionRef | None] = {}
        self._class_usages: dict[tuple[ast.AST, str], set[str]] = {}
        #: Functions of this module that hand out a session -> provider kind (see project.py).
        self.provider_kinds: dict[ast.AST, str | None] = {}
        self._extra_factories = {name.split(".")[-1] for name in settings.session_factories}
        self._extra_qualified = set(settings.session_factories)
        self.evidence = self._has_sqlalchemy_evidence()

    # -- module-level facts ---------------------------------------------------------------

    def _has_sqlalchemy_evidence(self) -> bool:
        """Whether the module visibly works with SQLAlchemy (imports, factories, conventions)."""
        if self.imports.imports_from(*SQLALCHEMY_MODULES):
            return True
        for local, origin in self.imports.bindings.items():
            lowered = local.lower()
            if lowered in CONVENTIONAL_FACTORIES or lowered in CONVENTIONAL_PROVIDERS:
                return True
            if local == "db" or local in self._extra_factories or origin in self._extra_qualified:
                return True
        return False

    def _foreign(self, qualified: str) -> bool:
        return qualified.split(".")[0] in FOREIGN_SESSION_MODULES

    def imported_summary_kind(self, local: str, table: str) -> str | None:
        """The kind the project index records for an imported name in `table`, if known.

        `table` is a `ModuleSummary` field name: "factories", "sessions",
        "providers" or "session_aliases". Returns "" when the name's module is
        part of the project but the name is not in that table.
        """
        origin = self.imports.origin(local)
        if origin is None:
            return None
        return self.project.lookup(origin, table)

    def factory_kind(self, expr: ast.expr, scope: FunctionInfo | None) -> str | None:
        """The kind of session factory `expr` names ("sync", "async", "scoped", ...)."""
        if isinstance(expr, ast.Call):
            return self._factory_call_kind(expr)
        if isinstance(expr, ast.Name):
            return self._factory_name_kind(expr.id, scope)
        if isinstance(expr, ast.Attribute):
            text = dotted_name(expr)
            if text is None:
                return None
            if text.startswith(("self.", "cls.")):
                attr = bare(expr.attr)
                if "session_factory" in attr or "sessionmaker" in attr or "session_maker" in attr:
                    return "sync"
                if attr in {"sessionlocal", "session_cls", "session_class", "sessionclass"}:
                    return "sync"
                return None
            qualified = self.imports.qualified_name(expr) or text
            found = self.project.lookup(qualified, "factories")
            if found:
                return found
            if qualified in self._extra_qualified:
                return "sync"
        return None

    def _factory_call_kind(self, call: ast.Call) -> str | None:
        qualified = self.imports.qualified_name(call.func)
        if qualified is None:
            return None
        known = FACTORY_CALLS.get(qualified)
        last = qualified.split(".")[-1]
        if known is None and last in _FACTORY_NAMES and not self._foreign(qualified):
            # SQLAlchemy's own callables re-exported by a project module (`from .db import
            # sessionmaker`) keep their meaning.
            return _FACTORY_NAMES[last]
        if known is None and qualified.endswith("SQLAlchemy") and not self._foreign(qualified):
            # A project's subclass of Flask-SQLAlchemy's extension (`RedashSQLAlchemy(app)`).
            return "flask_sqlalchemy" if qualified != "SQLAlchemy" or self.evidence else None
        return known

    def _factory_name_kind(self, name: str, scope: FunctionInfo | None) -> str | None:
        while scope is not None:
            facts = self.structure.facts(scope.node)
            values = facts.assignments.get(name)
            if values:
                value = values[-1]
                return self._factory_call_kind(value) if isinstance(value, ast.Call) else None
            scope = scope.parent
        values = self.structure.assignments.get(name)
        if values:
            value = values[-1]
            if isinstance(value, ast.Call):
                return self._factory_call_kind(value)
            if isinstance(value, ast.Name | ast.Attribute) and dotted_name(value) != name:
                return self.factory_kind(value, None)
            return None
        if name in self._extra_factories:
            return "sync"
        if name in self.structure.unpacked and name.lower() in CONVENTIONAL_FACTORIES:
            return "async" if "async" in name.lower() else "sync"
        origin = self.imports.origin(name)
        if origin is None:
            return None
        known = self.project.lookup(origin, "factories")
        if known is not None:
            return known or None
        if origin in self._extra_qualified:
            return "sync"
        if self._foreign(origin) or origin.startswith("sqlalchemy") or name in _FACTORY_NAMES:
            return None  # `sessionmaker` itself builds a factory; calling it is no session
        if name.lower() in CONVENTIONAL_FACTORIES:
            return "async" if "async" in name.lower() else "sync"
        return None

    # -- creating sessions ----------------------------------------------------------------

    def created_session(self, expr: ast.AST, scope: FunctionInfo | None) -> bool | None:
        """Whether `expr` creates a session here; `True` for an async one, `None` if not.

        Covers `Session(engine)`, `factory()`, `sessionmaker(...)()`, `factory.begin()`,
        `next(get_db())`, `await provider()` and a `with` item holding any of them.
        """
        if isinstance(expr, ast.withitem):
            return self._created_by_context(expr.context_expr, scope)
        if isinstance(expr, ast.Await):
            expr = expr.value
        if not isinstance(expr, ast.Call):
            return None
        func = expr.func
        qualified = self.imports.qualified_name(func)
        if qualified is not None:
            if qualified in SESSION_CLASSES:
                return SESSION_CLASSES[qualified]
            if qualified in self._extra_qualified or (
                isinstance(func, ast.Name) and func.id in self._extra_factories
            ):
                return False
            if qualified == "next" and expr.args and isinstance(expr.args[0], ast.Call):
                return self._provider_call(expr.args[0], scope)
        kind = self.factory_kind(func, scope)
        if kind is not None and kind != "flask_sqlalchemy":
            return kind.startswith("async")
        if isinstance(func, ast.Call):
            kind = self._factory_call_kind(func)
            if kind is not None and kind != "flask_sqlalchemy":
                return kind.startswith("async")
        return self._provider_call(expr, scope)

    def _created_by_context(self, context: ast.expr, scope: FunctionInfo | None) -> bool | None:
        """A `with` item giving a session: `factory()`, `factory.begin()`, `session_scope()`."""
        if isinstance(context, ast.Await):
            context = context.value
        if not isinstance(context, ast.Call):
            return None
        func = context.func
        if isinstance(func, ast.Attribute) and func.attr == "begin":
            kind = self.factory_kind(func.value, scope)
            if kind is not None and kind != "flask_sqlalchemy":
                return kind.startswith("async")
            return None
        return self.created_session(context, scope)

    def _provider_call(self, call: ast.Call, scope: FunctionInfo | None) -> bool | None:
        """A call of a function that hands out a session (`get_db()`, `session_scope()`)."""
        func = call.func
        name = dotted_name(func)
        if name is None:
            return None
        last = name.split(".")[-1]
        local = self.structure.functions.get(name)
        if local is not None:
            from sessionsafe.lint.analysis.project import provider_kind

            kind = provider_kind(local.node, self)
            return None if kind is None else isinstance(local.node, ast.AsyncFunctionDef)
        qualified = self.imports.qualified_name(func) or name
        known = self.project.lookup(qualified, "providers")
        if known:
            return known.startswith("async")
        if known == "" or self._foreign(qualified):
            return None
        if last.lower() in CONVENTIONAL_PROVIDERS and self.evidence:
            return "async" in last.lower()
        return None

    # -- resolving expressions ------------------------------------------------------------

    def session_of(self, expr: ast.AST, scope: FunctionInfo | None) -> SessionRef | None:
        """The session `expr` refers to inside `scope` (a function, or `None` for module code)."""
        if isinstance(expr, ast.Name):
            return self._name_session(expr.id, scope)
        if isinstance(expr, ast.Attribute):
            if isinstance(expr.value, ast.Name):
                owner = expr.value.id
                method_scope = _method_scope(scope)
                if method_scope is not None and owner == method_scope.self_name:
                    return self._attribute_session(expr.attr, method_scope, scope)
            if expr.attr == "session" and self._is_flask_db(expr.value, scope):
                text = dotted_name(expr)
                return SessionRef(text, SessionKind.SCOPED) if text else None
            text = dotted_name(expr)
            chained = self._chained_session(expr, text, scope)
            if chained is not None:
                return chained
            if text is not None and "." in text and isinstance(expr.value, ast.Name):
                head = expr.value.id
                if self.imports.origin(head) is not None and not self._locally_bound(head, scope):
                    qualified = self.imports.qualified_name(expr) or text
                    kind = self.project.lookup(qualified, "sessions")
                    if kind:
                        return SessionRef(text, _module_kind(kind), kind.startswith("async"))
        return None

    def _chained_session(
        self, expr: ast.Attribute, text: str | None, scope: FunctionInfo | None
    ) -> SessionRef | None:
        """`uow.session`, `self.uow.session`: a session held by another object.

        Recognised by the attribute's name and by ORM use of it in this function
        (never for request objects, whose `session` is the web session).
        """
        if text is None or scope is None:
            return None
        parts = text.split(".")
        if (
            len(parts) >= 2
            and parts[-2] == "request"
            and expr.attr in _REQUEST_SESSION_ATTRS
            and (
                expr.attr != "db"
                or self.evidence
                or self.structure.facts(scope.node).methods_called_on(text) & ORM_ONLY_METHODS
            )
        ):
            # Pyramid's convention: the request's session, committed by `pyramid_tm` at the end.
            return SessionRef(text, SessionKind.SCOPED)
        if bare(expr.attr) not in SESSION_LIKE_NAMES:
            return None
        head = parts[0]
        if head in _WEB_REQUEST_NAMES or text.split(".")[-2] in _WEB_REQUEST_NAMES:
            return None
        if self.module_session(head) is not None or self.imports.origin(head) is not None:
            return None
        called = self.structure.facts(scope.node).methods_called_on(text)
        if called & ORM_ONLY_METHODS or (called & _STRONG_SESSION_METHODS and self.evidence):
            return SessionRef(text, SessionKind.ATTRIBUTE)
        return None

    def _locally_bound(self, name: str, scope: FunctionInfo | None) -> bool:
        while scope is not None:
            if name in self.structure.facts(scope.node).assignments or name in _param_names(
                scope.node
            ):
                return True
            scope = scope.parent
        return False

    def _name_session(self, name: str, scope: FunctionInfo | None) -> SessionRef | None:
        current = scope
        while current is not None:
            sessions = self.function_sessions(current)
            if name in sessions:
                return sessions[name]
            current = current.parent
        return self.module_session(name)

    def function_sessions(self, scope: FunctionInfo) -> dict[str, SessionRef | None]:
        """Every parameter and local name of `scope` that is bound, mapped to its session.

        A name bound to something that is not a session maps to `None`, so it
        shadows a module-level session of the same name.
        """
        found = self._function_sessions.get(scope.node)
        if found is not None:
            return found
        found = self._function_sessions[scope.node] = {}
        facts = self.structure.facts(scope.node)
        for param, annotation, default in _parameters(scope.node):
            if param == scope.self_name:
                continue
            found[param] = self._parameter_session(param, annotation, default, scope)
        for name, values in facts.assignments.items():
            ref: SessionRef | None = None
            for value in values:
                ref = self._value_session(name, value, scope)
                if ref is not None:
                    break
            if ref is None and found.get(name) is not None:
                continue  # `session = session or SessionLocal()` keeps the parameter's meaning
            found[name] = ref
        return found

    def _value_session(
        self, name: str, value: ast.AST, scope: FunctionInfo | None
    ) -> SessionRef | None:
        is_async = self.created_session(value, scope)
        if is_async is not None:
            return SessionRef(name, SessionKind.CREATED, is_async)
        if isinstance(value, ast.withitem):
            return None
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Name | ast.Attribute) and dotted_name(value) != name:
            # An alias (`s = db.session`, `session = self.session`) is the same session.
            return self.session_of(value, scope)
        if isinstance(value, ast.BoolOp):
            for operand in value.values:
                ref = self._value_session(name, operand, scope)
                if ref is not None:
                    return ref
            return None
        if isinstance(value, ast.Call) and scope is not None:
            return self._conventional_local(name, value, scope)
        return None

    def _conventional_local(
        self, name: str, value: ast.Call, scope: FunctionInfo
    ) -> SessionRef | None:
        """`session = get_session_somehow()`: a session if named and used like one."""
        qualified = self.imports.qualified_name(value.func)
        if qualified is None or self._foreign(qualified) or bare(name) not in SESSION_LIKE_NAMES:
            return None
        called = self.structure.facts(scope.node).methods_called_on(name)
        if called & ORM_ONLY_METHODS or (called & SESSION_METHODS and self.evidence):
            return SessionRef(name, SessionKind.CREATED)
        return None

    def _parameter_session(
        self,
        name: str,
        annotation: ast.expr | None,
        default: ast.expr | None,
        scope: FunctionInfo,
    ) -> SessionRef | None:
        provider = self._depends_provider(default)
        typed = self.annotation_session(annotation) if annotation is not None else None
        if typed is not None:
            is_async, annotated_provider, injected = typed
            provider = provider or annotated_provider
            kind = SessionKind.INJECTED if injected or provider else SessionKind.PARAMETER
            return SessionRef(name, kind, is_async, provider)
        if provider is not None and self._provides_session(provider):
            return SessionRef(name, SessionKind.INJECTED, "async" in provider.lower(), provider)
        if annotation is not None and not _is_loose_annotation(annotation):
            return None
        if self._used_like_session(name, self.structure.facts(scope.node).methods_called_on(name)):
            return SessionRef(name, SessionKind.PARAMETER)
        return None

    def _used_like_session(self, name: str, called: set[str]) -> bool:
        lowered = bare(name)
        if lowered in SESSION_BY_NAME:
            return True
        if lowered in SESSION_LIKE_NAMES:
            return bool(called & ORM_ONLY_METHODS) or bool(
                called & SESSION_METHODS and self.evidence
            )
        if lowered in DB_LIKE_NAMES:
            return bool(called & ORM_ONLY_METHODS) and self.evidence
        return False

    def _depends_provider(self, default: ast.expr | None) -> str | None:
        """`get_db` for a `Depends(get_db)` default or `Annotated` metadata item."""
        if not isinstance(default, ast.Call) or not default.args:
            return None
        qualified = self.imports.qualified_name(default.func)
        if qualified not in _FASTAPI_DEPENDS:
            return None
        return dotted_name(default.args[0])

    def _provides_session(self, provider: str) -> bool:
        local = self.structure.functions.get(provider)
        if local is not None:
            from sessionsafe.lint.analysis.project import provider_kind

            return provider_kind(local.node, self) is not None
        qualified = self.imports.qualified_name(ast.Name(provider.split(".")[0])) or provider
        if "." in provider:
            qualified = f"{qualified}.{provider.split('.', 1)[1]}"
        known = self.project.lookup(qualified, "providers")
        if known is not None:
            return bool(known)
        return provider.split(".")[-1].lower() in CONVENTIONAL_PROVIDERS

    def annotation_session(self, annotation: ast.expr) -> tuple[bool, str | None, bool] | None:
        """For a session annotation: (is async, dependency provider, injected); else `None`."""
        return self._annotation(annotation, depth=0)

    def _annotation(self, node: ast.expr, depth: int) -> tuple[bool, str | None, bool] | None:
        if depth > 4:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value.strip(), mode="eval").body
            except SyntaxError:
                return None
            return self._annotation(parsed, depth + 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._annotation(node.left, depth + 1) or self._annotation(node.right, depth + 1)
        if isinstance(node, ast.Subscript):
            return self._subscript_annotation(node, depth)
        if (
            isinstance(node, ast.Call)
            and (dotted_name(node.func) or "").split(".")[-1] == "NewType"
            and len(node.args) == 2
        ):
            # `AsyncSession = NewType("AsyncSession", _AsyncSession)`: still that session type.
            return self._annotation(node.args[1], depth + 1)
        if not isinstance(node, ast.Name | ast.Attribute):
            return None
        qualified = self.imports.qualified_name(node)
        if qualified is None:
            return None
        if qualified in SESSION_CLASSES:
            return SESSION_CLASSES[qualified], None, False
        if qualified in SCOPED_CLASSES:
            return SCOPED_CLASSES[qualified], None, False
        if isinstance(node, ast.Name):
            return self._named_annotation(node.id, qualified, depth)
        return None

    def _subscript_annotation(
        self, node: ast.Subscript, depth: int
    ) -> tuple[bool, str | None, bool] | None:
        wrapper = dotted_name(node.value)
        if wrapper is None or wrapper.split(".")[-1] not in _TYPING_WRAPPERS:
            return None
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if wrapper.split(".")[-1] == "Annotated" and items:
            inner = self._annotation(items[0], depth + 1)
            if inner is None:
                return None
            provider = None
            for meta in items[1:]:
                provider = provider or self._depends_provider(meta)
            return inner[0], provider or inner[1], inner[2] or provider is not None
        for item in items:
            found = self._annotation(item, depth + 1)
            if found is not None:
                return found
        return None

    def _named_annotation(
        self, name: str, qualified: str, depth: int
    ) -> tuple[bool, str | None, bool] | None:
        values = self.structure.assignments.get(name)
        if values:
            return self._annotation(values[-1], depth + 1)
        origin = self.imports.origin(name)
        if origin is None:
            return None
        known = self.project.lookup(origin, "session_aliases")
        if known is not None:
            if known == "":
                return None
            async_flag, injected, provider = known.partition(":")
            return async_flag == "async", provider or None, bool(injected)
        if self._foreign(origin) or origin.startswith("sqlalchemy"):
            return None
        lowered = name.lower()
        if lowered in {"session", "asyncsession", "dbsession", "db_session", "scopedsession"}:
            return "async" in lowered, None, False
        if "session" in lowered and lowered.endswith(("dep", "dependency")):
            return "async" in lowered, None, True
        if lowered in {"dbdep", "db_dep", "databasedep", "database_dep"}:
            return False, None, True
        return None

    # -- attributes and module-level names ------------------------------------------------

    def _attribute_session(
        self, attr: str, method: FunctionInfo, scope: FunctionInfo | None
    ) -> SessionRef | None:
        assert method.owner_class is not None
        table = self.class_attributes(method.owner_class)
        key = f"{method.self_name}.{attr}"
        if attr in table:
            ref = table[attr]
            return (
                None
                if ref is None
                else SessionRef(
                    key, SessionKind.ATTRIBUTE, ref.is_async, ref.provider, ref.created_by_class
                )
            )
        facts = self.structure.facts((scope or method).node)
        if self._used_like_session(attr, facts.methods_called_on(key)):
            return SessionRef(key, SessionKind.ATTRIBUTE)
        if bare(attr) in SESSION_LIKE_NAMES | DB_LIKE_NAMES and self._used_like_session(
            attr, self._class_usage(method.owner_class, attr)
        ):
            # `self.db` is a property or set elsewhere: how the class uses it decides.
            return SessionRef(key, SessionKind.ATTRIBUTE)
        return None

    def _class_usage(self, cls: ClassInfo, attr: str) -> set[str]:
        """Methods called on `self.<attr>` anywhere in the class."""
        cache_key = (cls.node, attr)
        found = self._class_usages.get(cache_key)
        if found is None:
            found = set()
            for method in cls.methods.values():
                info = self.structure.info(method)
                if info.self_name is not None:
                    called = self.structure.facts(method).methods_called_on(
                        f"{info.self_name}.{attr}"
                    )
                    found |= called
            self._class_usages[cache_key] = found
        return found

    def class_attributes(self, cls: ClassInfo) -> dict[str, SessionRef | None]:
        """`self.<attr>` assignments of a class (and its same-module bases) -> session or `None`."""
        found = self._class_attributes.get(cls.node)
        if found is not None:
            return found
        found = self._class_attributes[cls.node] = {}
        for base in cls.base_names:
            base_info = self.structure.classes.get(base)
            if base_info is not None and base_info.node is not cls.node:
                found.update(self.class_attributes(base_info))
        for statement in cls.node.body:
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                typed = self.annotation_session(statement.annotation)
                if typed is not None:
                    found[statement.target.id] = SessionRef(
                        statement.target.id, SessionKind.ATTRIBUTE, typed[0]
                    )
        for method in cls.methods.values():
            info = self.structure.info(method)
            for attr, values in self.structure.self_assignments(method).items():
                for value in values:
                    ref = self._attribute_value(attr, value, info)
                    if ref is not None:
                        found[attr] = ref
                        break
                    if isinstance(value, ast.Call | ast.Await) and attr not in found:
                        # Built from something else (`requests.Session()`): not a session. A
                        # plain parameter stays undecided; how the class uses it decides.
                        found[attr] = None
        return found

    def _attribute_value(
        self, attr: str, value: ast.expr, method: FunctionInfo
    ) -> SessionRef | None:
        is_async = self.created_session(value, method)
        if is_async is not None:
            return SessionRef(attr, SessionKind.ATTRIBUTE, is_async, created_by_class=True)
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.BoolOp):
            for operand in value.values:
                ref = self._attribute_value(attr, operand, method)
                if ref is not None:
                    return ref
            return None
        if isinstance(value, ast.Name | ast.Attribute):
            if isinstance(value, ast.Attribute) and dotted_name(value) == f"self.{attr}":
                return None
            ref = self.session_of(value, method)
            if ref is not None:
                return SessionRef(
                    attr,
                    SessionKind.ATTRIBUTE,
                    ref.is_async,
                    ref.provider,
                    created_by_class=ref.kind is SessionKind.CREATED,
                )
        return None

    def module_session(self, name: str) -> SessionRef | None:
        """The module-level or imported session a bare `name` stands for, if any."""
        if name in self._module_names:
            return self._module_names[name]
        ref = self._module_names[name] = self._resolve_module_name(name)
        return ref

    def _resolve_module_name(self, name: str) -> SessionRef | None:
        values = self.structure.assignments.get(name)
        if values:
            value = values[-1]
            is_async = self.created_session(value, None)
            if is_async is not None:
                return SessionRef(name, SessionKind.MODULE, is_async)
            kind = self.factory_kind(value, None) if isinstance(value, ast.Call) else None
            if kind in {"scoped", "async_scoped"}:
                return SessionRef(name, SessionKind.SCOPED, kind == "async_scoped")
            return None
        origin = self.imports.origin(name)
        if origin is None:
            return None
        for table in ("sessions", "factories"):
            known = self.project.lookup(origin, table)
            if known is None:
                continue
            if table == "sessions" and known:
                return SessionRef(name, _module_kind(known), known.startswith("async"))
            if table == "factories" and known in {"scoped", "async_scoped"}:
                return SessionRef(name, SessionKind.SCOPED, known == "async_scoped")
            if known == "" and table == "factories":
                return None
        if self._foreign(origin) or origin.startswith(("sqlalchemy", "sqlmodel")):
            return None
        lowered = name.lower()
        if lowered in {"session", "db_session", "dbsession", "scopedsession", "scoped_session"}:
            session_kind = SessionKind.MODULE if name == "session" else SessionKind.SCOPED
            return SessionRef(name, session_kind, False)
        if name in {"Session", "DBSession", "DbSession"} and self.evidence:
            return SessionRef(name, SessionKind.SCOPED, False)
        return None

    def global_key(self, text: str) -> str | None:
        """The qualified name of a module-level/imported/scoped session written as `text`.

        Two modules that import the same session agree on it (`billing.db.Session`,
        `blog.db.session`), so helpers can be matched across files.
        """
        head, _, rest = text.partition(".")
        if not rest:
            if self.module_session(head) is None:
                return None
        elif rest != "session" or not self._is_flask_db(ast.Name(head), None):
            return None
        origin = self.imports.origin(head) or f"{self.imports.module}.{head}"
        return f"{origin}.{rest}" if rest else origin

    def _is_flask_db(self, expr: ast.expr, scope: FunctionInfo | None) -> bool:
        """Whether `expr` is a Flask-SQLAlchemy extension object (`db` in `db.session`).

        Also `models.db` when `models` is an imported module that exports it.
        """
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            head = expr.value.id
            if self._locally_bound(head, scope) or self.imports.origin(head) is None:
                return False
            qualified = self.imports.qualified_name(expr) or ""
            known = self.project.lookup(qualified, "factories")
            if known is not None:
                return known == "flask_sqlalchemy"
            return expr.attr == "db" and self.evidence and not self._foreign(qualified)
        if not isinstance(expr, ast.Name):
            return False
        name = expr.id
        if self._locally_bound(name, scope):
            return False
        values = self.structure.assignments.get(name)
        if values:
            value = values[-1]
            return (
                isinstance(value, ast.Call) and self._factory_call_kind(value) == "flask_sqlalchemy"
            )
        origin = self.imports.origin(name)
        if origin is None:
            return False
        known = self.project.lookup(origin, "factories")
        if known is not None:
            return known == "flask_sqlalchemy"
        return name == "db" and not self._foreign(origin)


def _module_kind(kind: str) -> SessionKind:
    return SessionKind.SCOPED if "scoped" in kind else SessionKind.MODULE


def _method_scope(scope: FunctionInfo | None) -> FunctionInfo | None:
    """The method `self` belongs to: the scope itself or the method a closure sits in."""
    while scope is not None:
        if scope.owner_class is not None:
            return scope
        scope = scope.parent
    return None


def _param_names(function: FunctionNode) -> set[str]:
    return {param for param, _, _ in _parameters(function)}


def _parameters(function: FunctionNode) -> list[tuple[str, ast.expr | None, ast.expr | None]]:
    """(name, annotation, default) of every parameter."""
    args = function.args
    positional = args.posonlyargs + args.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    result = [
        (arg.arg, arg.annotation, default)
        for arg, default in zip(positional, defaults, strict=True)
    ]
    result += [
        (arg.arg, arg.annotation, default)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]
    return result


def parameters(function: FunctionNode) -> list[tuple[str, ast.expr | None, ast.expr | None]]:
    """(name, annotation, default) of every positional and keyword-only parameter."""
    return _parameters(function)


def _is_loose_annotation(annotation: ast.expr) -> bool:
    """`Any`/`object`: an annotation that says nothing against a session."""
    text = dotted_name(annotation)
    return text is not None and text.split(".")[-1] in {"Any", "object"}
