"""HTTP middleware that opens an async session per request and commits before responding.

The middleware creates the session and commits or rolls back (DESIGN.md "What owns a
session": middleware). Route helpers read `request.state.db` and only flush.
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from polls.models import Choice, Vote

engine = create_async_engine("postgresql+asyncpg://polls@localhost/polls")
async_session = async_sessionmaker(engine, expire_on_commit=False)
app = FastAPI()


@app.middleware("http")
async def db_session_middleware(request: Request, call_next):
    async with async_session() as session:
        request.state.db = session
        try:
            response = await call_next(request)
        except Exception:
            await session.rollback()
            raise
        if response.status_code < 400:
            await session.commit()
        else:
            await session.rollback()
        return response


async def cast_vote(db: AsyncSession, choice_id: int, voter: str) -> Vote:
    choice = await db.get(Choice, choice_id)
    choice.votes += 1
    vote = Vote(choice=choice, voter=voter)
    db.add(vote)
    await db.flush()
    return vote


@app.post("/choices/{choice_id}/vote")
async def vote(choice_id: int, voter: str, request: Request) -> dict[str, int]:
    vote = await cast_vote(request.state.db, choice_id, voter)
    return {"vote_id": vote.id}
