"""FastAPI: a session per request, committed **before** the response is sent.

::

    from typing import Annotated
    from sessionsafe.integrations.fastapi import session_dependency

    DB = session_dependency(SessionLocal)          # sessionmaker

    @app.post("/users")
    def create_user(email: str, db: DB) -> dict[str, str]:
        db.add(User(email=email))                  # no commit here
        return {"email": email}

The endpoint's session lives in a `sessionsafe.runtime.unit_of_work`: it is
committed once, after the endpoint (and FastAPI's response serialization) and
before the response leaves the server, because the dependency is declared with
``Depends(..., scope="function")``. If the commit fails (a deferred constraint,
a serialization failure) the client gets a 500 and nothing is stored. An
exception raised by the endpoint (``HTTPException`` included) rolls the unit
back. Business code that calls ``commit()`` itself is caught by the runtime's
commit guard; every function here takes ``guard=`` (``"raise"``, the default,
``"warn"`` or ``"flush"``, see `sessionsafe.runtime.UnitOfWork`).

Why not a plain ``yield`` dependency: with FastAPI's default ``scope="request"``
the code after ``yield`` runs after the response has been sent, so a failing
commit still reaches the client as a 2xx describing data that was never stored.

Streaming responses: a ``scope="function"`` dependency ends when the endpoint
returns, before a ``StreamingResponse`` body is produced, so the body must not
use the session (load what it streams first). To stream from the database, use
`sessionsafe.integrations.starlette.SessionMiddleware` instead: it commits
before ``http.response.start`` and keeps the session open until the body is sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from sessionsafe.runtime import GuardPolicy, async_unit_of_work, unit_of_work

__all__ = [
    "async_session_dependency",
    "async_session_depends",
    "session_dependency",
    "session_depends",
]


def session_depends(factory: Callable[[], Session], *, guard: GuardPolicy = "raise") -> Any:
    """``Depends(...)`` giving each request a sync session in a unit of work.

    Use it when a type checker must understand the alias::

        DB = Annotated[Session, session_depends(SessionLocal)]
    """

    def sessionsafe_session() -> Iterator[Session]:
        with unit_of_work(factory, guard=guard) as session:
            yield session

    return Depends(sessionsafe_session, scope="function")


def async_session_depends(
    factory: Callable[[], AsyncSession], *, guard: GuardPolicy = "raise"
) -> Any:
    """``Depends(...)`` giving each request an `AsyncSession` in a unit of work.

    Use it when a type checker must understand the alias::

        DB = Annotated[AsyncSession, async_session_depends(AsyncSessionLocal)]
    """

    async def sessionsafe_async_session() -> AsyncIterator[AsyncSession]:
        async with async_unit_of_work(factory, guard=guard) as session:
            yield session

    return Depends(sessionsafe_async_session, scope="function")


def session_dependency(factory: Callable[[], Session], *, guard: GuardPolicy = "raise") -> Any:
    """``Annotated[Session, Depends(...)]`` for endpoint parameters.

    ``DB = session_dependency(SessionLocal)`` then ``def endpoint(db: DB)``.
    The value is built at run time, so mypy does not accept ``DB`` as a type;
    spell it ``Annotated[Session, session_depends(SessionLocal)]`` there.
    """
    return Annotated[Session, session_depends(factory, guard=guard)]


def async_session_dependency(
    factory: Callable[[], AsyncSession], *, guard: GuardPolicy = "raise"
) -> Any:
    """``Annotated[AsyncSession, Depends(...)]`` for async endpoint parameters.

    ``DB = async_session_dependency(AsyncSessionLocal)`` then
    ``async def endpoint(db: DB)``.
    """
    return Annotated[AsyncSession, async_session_depends(factory, guard=guard)]
