"""Module mixing sync Celery tasks and async FastAPI routes; each uses the right session.

The sync `Session` is only used in plain `def` functions; the `async def` route uses an
`AsyncSession`. Sharing a module is not using a sync session inside a coroutine.
"""
from __future__ import annotations

from celery import shared_task
from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from media.db import SessionLocal, get_async_session
from media.models import Video

router = APIRouter()


@shared_task
def mark_transcoded(video_id: int) -> None:
    with SessionLocal() as session:
        video = session.get(Video, video_id)
        video.transcoded = True
        session.commit()


@router.get("/videos/{video_id}")
async def read_video(video_id: int, session: AsyncSession = Depends(get_async_session)) -> dict:
    video = (await session.scalars(select(Video).where(Video.id == video_id))).one()
    return {"id": video.id, "transcoded": video.transcoded}
