"""Celery task that creates its session with `with` and commits at the end.

A Celery task is an entry point that obtains its own session, so it owns the commit
(DESIGN.md "What owns a session"). The helper it calls only mutates objects.
"""
from __future__ import annotations

from datetime import datetime, timezone

from celery import Celery
from sqlalchemy import select

from media.db import SessionLocal
from media.models import Video, VideoStatus
from media.transcode import probe_duration

celery_app = Celery("media", broker="redis://localhost:6379/0")


def apply_probe(video: Video, duration: float) -> None:
    video.duration_seconds = duration
    video.status = VideoStatus.READY
    video.processed_at = datetime.now(timezone.utc)


@celery_app.task(bind=True, max_retries=3, acks_late=True)
def process_upload(self, video_id: int) -> str:
    with SessionLocal() as session:
        video = session.scalars(select(Video).where(Video.id == video_id).with_for_update()).one()
        if video.status is VideoStatus.READY:
            return "already-processed"
        apply_probe(video, probe_duration(video.storage_key))
        session.commit()
        return "ok"
