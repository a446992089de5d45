"""Writes use a `scope="function"` alias; one read-only streaming export opts into `scope="request"`.

Modelled on the state a real "commit before the response is sent" fix left behind: the
project's `DBSession` alias is `Depends(get_db_session, scope="function")`, so every
write commits before its response. A CSV export streams its body while the response is
being sent, so it needs the session to outlive the function stack; it deliberately takes
a second alias with an explicit `scope="request"` and only reads through it. The commit
after `yield` does run after that response, but it commits nothing: no use site of the
request-scoped alias writes (compare `bad_explicit_request_scope.py`, whose endpoint
adds a row through the request-scoped session). Not SES013: an explicit
`scope="request"` chosen for read-only use sites is deliberate (DESIGN.md: precision
comes first).
"""
from __future__ import annotations

import csv
import io
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.core.config import settings
from app.models import Rating

engine = create_async_engine(settings.DATABASE_URL)
async_session_maker = async_sessionmaker(engine, expire_on_commit=False)


async def get_db_session() -> AsyncGenerator[AsyncSession, None]:
    async with async_session_maker() as session:
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise


DBSession = Annotated[AsyncSession, Depends(get_db_session, scope="function")]
StreamingDBSession = Annotated[AsyncSession, Depends(get_db_session, scope="request")]
router = APIRouter()


@router.post("/ratings")
async def rate(message_id: int, score: int, db: DBSession) -> dict[str, int]:
    db.add(Rating(message_id=message_id, score=score))
    await db.flush()
    return {"message_id": message_id, "score": score}


@router.get("/ratings/export.csv")
async def export_ratings(db: StreamingDBSession) -> StreamingResponse:
    async def rows() -> AsyncIterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        result = await db.stream_scalars(select(Rating).order_by(Rating.id))
        async for rating in result:
            writer.writerow([rating.id, rating.message_id, rating.score])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return StreamingResponse(rows(), media_type="text/csv")
