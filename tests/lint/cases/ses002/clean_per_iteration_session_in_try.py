"""Each loop iteration opens its own session inside the `try`; failures are logged.

The failed session is closed by its `with` block and never used again; the next item gets
a fresh session (DESIGN.md SES002: the session is neither used again nor outlives the
function).
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from thumbnails.db import SessionLocal
from thumbnails.images import make_thumbnail
from thumbnails.models import Image

log = logging.getLogger(__name__)


def generate_missing(image_ids: list[int]) -> int:
    done = 0
    for image_id in image_ids:
        try:
            with SessionLocal() as session:
                image = session.get(Image, image_id)
                image.thumbnail_key = make_thumbnail(image.storage_key)
                session.commit()
            done += 1
        except SQLAlchemyError:
            log.exception("thumbnail for image %s failed", image_id)
    return done
