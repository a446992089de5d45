"""Request-scoped session: opened by the middleware, committed by the dependency."""
from __future__ import annotations

from collections.abc import AsyncGenerator

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send


class AsyncSessionMiddleware:
    def __init__(self, app: ASGIApp, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.app = app
        self.sessionmaker = sessionmaker

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self.sessionmaker() as session:
            scope.setdefault("state", {})["async_session"] = session
            await self.app(scope, receive, send)


async def get_db_session(request: Request) -> AsyncGenerator[AsyncSession, None]:
    try:
        session: AsyncSession = request.state.async_session
    except AttributeError as e:
        raise RuntimeError("AsyncSessionMiddleware is not installed") from e
    try:
        yield session
    except Exception:
        await session.rollback()
        raise
    else:
        await session.commit()  # error: SES013
