"""Starlette / any ASGI app: a unit of work per HTTP request.

::

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from sessionsafe.integrations.starlette import UnitOfWorkMiddleware, current_session

    async def create(request):
        current_session().add(User(email=request.query_params["email"]))
        return JSONResponse({"ok": True}, status_code=201)

    app = Starlette(
        routes=[Route("/users", create, methods=["POST"])],
        middleware=[Middleware(UnitOfWorkMiddleware, factory=SessionLocal)],
    )

`UnitOfWorkMiddleware` is a pure ASGI middleware. For each HTTP request it
opens a `sessionsafe.runtime` unit of work and makes its session available to
handlers through `current_session()` (`current_async_session()` for an
`async_sessionmaker`), also as ``request.state.sessionsafe_session``. When the
application sends ``http.response.start``:

- for a status the middleware should commit (by default below 400) it commits
  **before** forwarding the message, so the client never sees a success for
  data that was not stored. If the commit fails, the client gets a 500 instead
  and the rest of the application's response is dropped;
- for other statuses (4xx/5xx) it rolls back.

An exception raised by the application rolls the unit back. The session stays
open until the response body has been sent, so a ``StreamingResponse`` can
still read from it (its reads run after the commit, in a new transaction that
is closed at the end; writes made while streaming are discarded). Background
tasks run after the response and must open their own unit of work.

A sync `sessionmaker` works too: its commit, rollback and close run in a
worker thread, never on the event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session, async_sessionmaker
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sessionsafe.runtime import AsyncUnitOfWork, GuardPolicy, UnitOfWork

__all__ = ["UnitOfWorkMiddleware", "commit_below_400", "current_async_session", "current_session"]

logger = logging.getLogger("sessionsafe.integrations.starlette")

_current_session: ContextVar[Session | AsyncSession | None] = ContextVar(
    "sessionsafe_request_session", default=None
)

STATE_ATTRIBUTE = "sessionsafe_session"
COMMIT_FAILED_BODY = b"Internal Server Error: the transaction could not be committed"


def commit_below_400(status: int) -> bool:
    """Default policy: commit for 1xx-3xx responses, roll back for 4xx and 5xx."""
    return status < 400


def current_session() -> Session:
    """The sync session of the HTTP request being handled."""
    session = _current_session.get()
    if not isinstance(session, Session):
        raise LookupError(_outside_request_message("current_session()", session))
    return session


def current_async_session() -> AsyncSession:
    """The `AsyncSession` of the HTTP request being handled."""
    session = _current_session.get()
    if not isinstance(session, AsyncSession):
        raise LookupError(_outside_request_message("current_async_session()", session))
    return session


def _outside_request_message(accessor: str, session: object) -> str:
    if session is None:
        return (
            f"{accessor} was called outside an HTTP request handled by "
            f"sessionsafe.integrations.starlette.UnitOfWorkMiddleware; add the middleware "
            f"to the app and call it from a request handler or dependency"
        )
    other = "current_session()" if isinstance(session, Session) else "current_async_session()"
    kind = type(session).__name__
    return f"{accessor} was called but this request's session is a {kind}; use {other}"


class _RequestUnit:
    """The request's `UnitOfWork` or `AsyncUnitOfWork`, ended at most once.

    A sync unit's commit, rollback and close do I/O, so they run in the
    thread pool, never on the event loop.
    """

    def __init__(self, factory: Callable[[], Any], guard: GuardPolicy) -> None:
        self.async_unit: AsyncUnitOfWork[AsyncSession] | None = None
        self.sync_unit: UnitOfWork[Session] | None = None
        if isinstance(factory, async_sessionmaker | async_scoped_session):
            self.async_unit = AsyncUnitOfWork(factory, guard=guard)
            self.session: Session | AsyncSession = self.async_unit.session
        else:
            self.sync_unit = UnitOfWork(factory, guard=guard)
            self.session = self.sync_unit.session
        self.ended = False

    async def commit(self) -> None:
        """Commit; on failure the unit has rolled back and the error propagates."""
        self.ended = True
        if self.async_unit is not None:
            await self.async_unit.commit()
        elif self.sync_unit is not None:
            await run_in_threadpool(self.sync_unit.commit)

    async def rollback(self) -> None:
        self.ended = True
        if self.async_unit is not None:
            await self.async_unit.rollback()
        elif self.sync_unit is not None:
            await run_in_threadpool(self.sync_unit.rollback)

    async def close(self) -> None:
        """Roll back unless committed, end the unit, and close what came after it.

        After the commit the session stays usable (a streaming body may read
        from it in a new transaction), so it is closed once more at the end.
        """
        self.ended = True
        if self.async_unit is not None:
            await self.async_unit.close()
            await self.async_unit.session.close()
        elif self.sync_unit is not None:
            await run_in_threadpool(self._close_sync, self.sync_unit)

    @staticmethod
    def _close_sync(unit: UnitOfWork[Session]) -> None:
        unit.close()
        unit.session.close()


class UnitOfWorkMiddleware:
    """Pure ASGI middleware: one unit of work per HTTP request.

    `factory` is a `sessionmaker` / `async_sessionmaker` (or a scoped one, or a
    callable returning a `Session`). `should_commit(status)` decides from the
    response status whether to commit (default: `commit_below_400`). `guard`
    is the runtime's commit-guard policy: ``"raise"`` (default), ``"warn"`` or
    ``"flush"``.
    """

    def __init__(
        self,
        app: ASGIApp,
        factory: Callable[[], Any],
        *,
        should_commit: Callable[[int], bool] = commit_below_400,
        guard: GuardPolicy = "raise",
    ) -> None:
        self.app = app
        self.factory = factory
        self.should_commit = should_commit
        self.guard: GuardPolicy = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        unit = _RequestUnit(self.factory, self.guard)
        scope.setdefault("state", {})[STATE_ATTRIBUTE] = unit.session
        token = _current_session.set(unit.session)
        commit_failed = False

        async def send_after_commit(message: Message) -> None:
            nonlocal commit_failed
            if commit_failed:
                return
            if message["type"] == "http.response.start" and not unit.ended:
                if self.should_commit(int(message["status"])):
                    try:
                        await unit.commit()
                    except Exception:
                        logger.exception(
                            "commit failed for %s %s; answering 500 instead",
                            scope.get("method"),
                            scope.get("path"),
                        )
                        commit_failed = True
                        await _send_commit_failed(send)
                        return
                else:
                    await unit.rollback()
            await send(message)

        try:
            await self.app(scope, receive, send_after_commit)
        finally:
            _current_session.reset(token)
            # Rolls back whatever was not committed: an exception, or no response at all.
            await unit.close()


async def _send_commit_failed(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(COMMIT_FAILED_BODY)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": COMMIT_FAILED_BODY})
