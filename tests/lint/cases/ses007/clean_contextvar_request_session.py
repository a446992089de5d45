"""Per-request session stored in a `ContextVar` by middleware; helpers read it.

The middleware creates a session per request and resets the variable afterwards; each
request/task sees its own session (DESIGN.md SES007).
"""
from __future__ import annotations

from contextvars import ContextVar

from fastapi import FastAPI, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from blog.models import Post

engine = create_async_engine("postgresql+asyncpg://blog@localhost/blog")
async_session = async_sessionmaker(engine, expire_on_commit=False)
current_session: ContextVar[AsyncSession] = ContextVar("current_session")
app = FastAPI()


@app.middleware("http")
async def session_per_request(request: Request, call_next):
    async with async_session() as session:
        token = current_session.set(session)
        try:
            response = await call_next(request)
            await session.commit()
            return response
        finally:
            current_session.reset(token)


async def latest_posts(limit: int = 10) -> list[Post]:
    session = current_session.get()
    return list(await session.scalars(select(Post).order_by(Post.created_at.desc()).limit(limit)))


@app.get("/posts")
async def posts() -> list[dict]:
    return [{"id": p.id, "title": p.title} for p in await latest_posts()]
