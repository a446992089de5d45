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
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from contextvars import ContextVar
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session, async_sessionmaker
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sessionsafe.runtime import async_unit_of_work, unit_of_work

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
    """Drives one `unit_of_work` context manager from the middleware's events.

    Leaving the unit without an exception commits; leaving it with one rolls
    back. The unit ends exactly once; the session is closed at the very end.
    """

    def __init__(self, factory: Callable[[], Any]) -> None:
        self.is_async = isinstance(factory, async_sessionmaker | async_scoped_session)
        self.scope: AbstractContextManager[Any] | AbstractAsyncContextManager[Any] = (
            async_unit_of_work(factory) if self.is_async else unit_of_work(factory)
        )
        self.session: Session | AsyncSession | None = None
        self.ended = False

    async def begin(self) -> Session | AsyncSession:
        if isinstance(self.scope, AbstractAsyncContextManager):
            self.session = await self.scope.__aenter__()
        else:
            self.session = await run_in_threadpool(self.scope.__enter__)
        return self.session

    async def commit(self) -> None:
        await self._end(None)

    async def rollback(self, reason: BaseException) -> None:
        await self._end(reason)

    async def _end(self, error: BaseException | None) -> None:
        if self.ended:
            return
        self.ended = True
        error_type = type(error) if error is not None else None
        traceback = error.__traceback__ if error is not None else None
        if isinstance(self.scope, AbstractAsyncContextManager):
            await self.scope.__aexit__(error_type, error, traceback)
        else:
            await run_in_threadpool(self.scope.__exit__, error_type, error, traceback)

    async def close(self) -> None:
        """Release whatever the session did after the unit ended (streaming reads)."""
        if isinstance(self.session, AsyncSession):
            await self.session.close()
        elif self.session is not None:
            await run_in_threadpool(self.session.close)


class _RolledBackForStatus(Exception):
    """Ends a unit with a rollback because the response status asks for it."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP response status {status}")


class UnitOfWorkMiddleware:
    """Pure ASGI middleware: one unit of work per HTTP request.

    `factory` is a `sessionmaker` / `async_sessionmaker` (or a scoped one, or a
    callable returning a `Session`). `should_commit(status)` decides from the
    response status whether to commit (default: `commit_below_400`).
    """

    def __init__(
        self,
        app: ASGIApp,
        factory: Callable[[], Any],
        *,
        should_commit: Callable[[int], bool] = commit_below_400,
    ) -> None:
        self.app = app
        self.factory = factory
        self.should_commit = should_commit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        unit = _RequestUnit(self.factory)
        session = await unit.begin()
        scope.setdefault("state", {})[STATE_ATTRIBUTE] = session
        token = _current_session.set(session)
        commit_failed = False

        async def send_after_commit(message: Message) -> None:
            nonlocal commit_failed
            if commit_failed:
                return
            if message["type"] == "http.response.start" and not unit.ended:
                status = int(message["status"])
                if not self.should_commit(status):
                    await unit.rollback(_RolledBackForStatus(status))
                else:
                    try:
                        await unit.commit()
                    except Exception:
                        logger.exception(
                            "commit failed for %s %s; answering 500",
                            scope.get("method"),
                            scope.get("path"),
                        )
                        commit_failed = True
                        await _send_commit_failed(send)
                        return
            await send(message)

        try:
            await self.app(scope, receive, send_after_commit)
        except BaseException as error:
            await unit.rollback(error)
            raise
        finally:
            _current_session.reset(token)
            if not unit.ended:
                # The app returned without starting a response: nothing to commit for.
                await unit.rollback(_RolledBackForStatus(0))
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
