"""Which functions own a session's lifecycle (may commit it, once, at the end).

DESIGN.md, "What owns a session": a function that creates it; a
`@contextmanager`/`@asynccontextmanager` or `yield` dependency that creates and
yields it; middleware and request teardown hooks; an entry point that obtains
its own session (CLI `main`, Click command, Celery task, `if __name__ ==
"__main__":`); a unit-of-work class whose `__enter__`/`__exit__` create and close
it; a request handler when no dependency or middleware commits for it.

Tests and fixtures are owners too: they are the top of their own unit of
work. A function named `commit` (a repository's or unit of work's delegating
`commit()` method, a `safe_commit(session)` helper) is the lifecycle API itself;
its callers are what a reader should look at.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from sessionsafe.lint.analysis.names import dotted_name
from sessionsafe.lint.analysis.sessions import SessionKind, SessionRef
from sessionsafe.lint.analysis.structure import ClassInfo, FunctionInfo

if TYPE_CHECKING:
    from sessionsafe.lint.analysis.sessions import SessionResolver

#: Last component of a decorator that makes a function an entry point, request
#: handler, hook or lifecycle context manager.
LIFECYCLE_DECORATORS = frozenset(
    {
        # context managers and dependencies
        "contextmanager",
        "asynccontextmanager",
        "fixture",
        "yield_fixture",
        # web request handlers, hooks and middleware
        "route",
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "api_route",
        "websocket",
        "websocket_route",
        "view",
        "endpoint",
        "errorhandler",
        "app_errorhandler",
        "exception_handler",
        "middleware",
        "before_request",
        "after_request",
        "before_app_request",
        "after_app_request",
        "before_first_request",
        "teardown_request",
        "teardown_appcontext",
        "teardown_app_request",
        "on_event",
        "event",
        "action",
        "view_config",
        "login_required",
        # workers, tasks, schedulers, consumers
        "task",
        "shared_task",
        "periodic_task",
        "actor",
        "job",
        "scheduled_job",
        "cron",
        "subscriber",
        "consumer",
        "listener",
        "receiver",
        "handler",
        "message_handler",
        "on_message",
        "callback_query_handler",
        # command-line entry points
        "command",
        "group",
        "callback",
        "main",
    }
)

#: Decorator name fragments of frameworks that call the function as an entry point
#: (`@background_task`, `@scheduled_project_task`, `@app.action`, `@bus.subscriber`).
_ENTRY_POINT_HINTS = (
    "task",
    "job",
    "schedul",
    "handler",
    "listen",
    "subscri",
    "consum",
    "command",
    "route",
    "endpoint",
    "hook",
    "cron",
    "worker",
    "receiver",
)
#: `@registry.add` / `@dispatcher.register`: a decorator method that registers the function.
_REGISTRATION_METHODS = frozenset({"add", "register", "connect", "on", "schedule"})

#: Function names that are entry points or lifecycle code by themselves.
LIFECYCLE_FUNCTION_NAMES = frozenset(
    {
        "main",
        "cli",
        "__exit__",
        "__aexit__",
        "__enter__",
        "__aenter__",
        "__del__",
        "setUp",
        "tearDown",
        "setUpClass",
        "tearDownClass",
        "asyncSetUp",
        "asyncTearDown",
        "setup_method",
        "teardown_method",
        "setup_class",
        "teardown_class",
        "run_migrations_online",
        "run_migrations_offline",
        "upgrade",
        "downgrade",
        "lifespan",
        "dispatch",
        "process_request",
        "process_response",
    }
)

#: The delegating commit API itself; its callers are what matters.
COMMIT_WRAPPER_NAMES = frozenset(
    {"commit", "_commit", "commit_session", "safe_commit", "try_commit", "commit_or_rollback"}
)

#: Methods of class-based views and resources that handle one HTTP request.
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_VIEW_BASE_SUFFIXES = ("Resource", "View", "MethodView", "Handler", "Endpoint", "ViewSet")


class Ownership:
    """Decides whether a function owns a session (`owns`) and what kind of code it is."""

    def __init__(
        self, resolver: SessionResolver, lifecycle_decorators: tuple[str, ...], source: str = ""
    ) -> None:
        self.resolver = resolver
        self.source = source
        self._extra = set(lifecycle_decorators)
        self._extra_last = {name.split(".")[-1] for name in lifecycle_decorators}
        self._registered_views: set[str] | None = None
        #: Test modules (and their factories and helpers) are the top of their own units of work.
        self.in_tests = False
        self._lifecycle: dict[ast.AST, bool] = {}

    def owns(self, function: FunctionInfo | None, session: SessionRef) -> bool:
        """Whether `function` (`None`: module-level code) may commit `session`."""
        if function is None or session.kind is SessionKind.CREATED:
            return True
        if session.kind is SessionKind.INJECTED:
            if self.provider_commits(session.provider):
                return False
            # Only the request handler (or a `yield` dependency wrapping it) owns an injected
            # session; a sub-dependency or a helper typed `db: SessionDep` does not.
            return self.is_lifecycle(function) or _is_generator(function)
        if self.is_lifecycle(function):
            return True
        if session.kind is SessionKind.ATTRIBUTE:
            if session.key.count(".") > 1 or not session.key.startswith(f"{function.self_name}."):
                # `uow.session`, `self.uow.session`: owned by another object we cannot see.
                return _method_self(function) is None or session.key.count(".") > 1
            owner = _class_of(function)
            return owner is not None and (
                session.created_by_class or owner.is_context_manager or _is_view_class(owner)
            )
        if session.kind in {SessionKind.MODULE, SessionKind.SCOPED}:
            return (
                self.enters_app_context(function)
                or self.is_request_handler(function)
                or _is_parameterless_job(function)
            )
        return False

    def is_cli_entry(self, function: FunctionInfo | None) -> bool:
        """Module code, `main`, or a command-line command: the process ends after it."""
        if function is None:
            return True
        if function.name in {"main", "cli"} or function.name.endswith("_main"):
            return True
        return any(
            (dotted_name(d.func if isinstance(d, ast.Call) else d) or "").split(".")[-1]
            in {"command", "group"}
            for d in function.node.decorator_list
        )

    def provider_commits(self, provider: str | None) -> bool:
        """Whether the dependency that injects a session commits it after the handler.

        `provider` is the dependency as written (`get_db`, `deps.get_db`) or, for an
        alias imported from another module, its qualified name (`app.db.get_db`).
        """
        if provider is None:
            return False
        from sessionsafe.lint.analysis.project import provider_kind

        local = self.resolver.structure.functions.get(provider)
        if local is not None:
            kind = provider_kind(local.node, self.resolver)
            return kind is not None and kind.endswith("_commits")
        head, _, rest = provider.partition(".")
        origin = self.resolver.imports.origin(head)
        qualified = provider if origin is None else (f"{origin}.{rest}" if rest else origin)
        known = self.resolver.project.lookup(qualified, "providers")
        return bool(known) and known is not None and known.endswith("_commits")

    def is_lifecycle(self, function: FunctionInfo) -> bool:
        """Entry points, handlers, hooks, tasks, tests, fixtures and commit wrappers."""
        cached = self._lifecycle.get(function.node)
        if cached is None:
            cached = self._lifecycle[function.node] = self._compute_lifecycle(function)
        return cached

    def _compute_lifecycle(self, function: FunctionInfo) -> bool:
        name = function.name
        if name in LIFECYCLE_FUNCTION_NAMES or name in COMMIT_WRAPPER_NAMES or self.in_tests:
            return True
        if name.startswith("test") or name.endswith("_main"):
            return True
        if any(self._is_lifecycle_decorator(d) for d in function.node.decorator_list):
            return True
        return self.is_request_handler(function)

    def _is_lifecycle_decorator(self, decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        text = dotted_name(target)
        if text is None:
            return False
        qualified = self.resolver.imports.qualified_name(target) or text
        last = text.split(".")[-1]
        if text in self._extra or qualified in self._extra or last in self._extra_last:
            return True
        if last in LIFECYCLE_DECORATORS:
            return True
        lowered = last.lower()
        if "." in text and lowered in _REGISTRATION_METHODS:
            return True  # `@scheduler.add(...)`, `@dispatcher.register`: registers an entry point
        return any(hint in lowered for hint in _ENTRY_POINT_HINTS)

    def is_request_handler(self, function: FunctionInfo) -> bool:
        """A route, a class-based view method, or a function registered as a view."""
        if any(self._is_route_decorator(d) for d in function.node.decorator_list):
            return True
        owner = function.owner_class
        if owner is not None and function.name in _HTTP_METHODS:
            return any(base.endswith(_VIEW_BASE_SUFFIXES) for base in owner.base_names)
        if function.parent is not None:
            return False
        if function.name in self.registered_views():
            return True
        # `app.get("/path")(handler)` anywhere in the module (often inside a setup function).
        return re.search(rf"\)\(\s*{re.escape(function.name)}\s*\)", self.source) is not None

    def _is_route_decorator(self, decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        text = dotted_name(target)
        return (
            text is not None
            and "." in text
            and text.split(".")[-1] in (_HTTP_METHODS | {"route", "api_route", "websocket"})
        )

    def registered_views(self) -> set[str]:
        """Functions passed to `add_url_rule(..., view_func=f)` / `add_api_route(path, f)`."""
        if self._registered_views is None:
            names: set[str] = set()
            for call in self.resolver.structure.module_calls:
                method = call.func.attr if isinstance(call.func, ast.Attribute) else None
                if method not in {"add_url_rule", "add_api_route", "add_route", "add_view"}:
                    continue
                for value in [*call.args[1:], *(k.value for k in call.keywords)]:
                    if isinstance(value, ast.Name):
                        names.add(value.id)
            self._registered_views = names
        return self._registered_views

    def enters_app_context(self, function: FunctionInfo) -> bool:
        """The function pushes its own Flask application/request context."""
        facts = self.resolver.structure.facts(function.node)
        return any(
            site.method in {"app_context", "test_request_context", "request_context"}
            for site in facts.method_calls
        )


def _is_view_class(cls: ClassInfo) -> bool:
    """A request handler class (`RequestHandler`, `MethodView`, `Resource`): it owns the request."""
    return any(base.endswith(_VIEW_BASE_SUFFIXES) for base in cls.base_names)


def _is_parameterless_job(function: FunctionInfo) -> bool:
    """A module-level function without parameters: a job, script step or command.

    Nothing can hand it a unit of work, so it is the top of its own
    (`def cleanup_old_rows(): ...; db.session.commit()` run by a scheduler).
    """
    args = function.node.args
    return (
        function.parent is None
        and function.owner_class is None
        and not (args.posonlyargs or args.args or args.kwonlyargs or args.vararg or args.kwarg)
    )


def _is_generator(function: FunctionInfo) -> bool:
    return any(
        isinstance(node, ast.Yield | ast.YieldFrom)
        for statement in function.node.body
        for node in ast.walk(statement)
    )


def _method_self(function: FunctionInfo) -> str | None:
    scope: FunctionInfo | None = function
    while scope is not None:
        if scope.owner_class is not None:
            return scope.self_name
        scope = scope.parent
    return None


def _class_of(function: FunctionInfo) -> ClassInfo | None:
    scope: FunctionInfo | None = function
    while scope is not None:
        if scope.owner_class is not None:
            return scope.owner_class
        scope = scope.parent
    return None
