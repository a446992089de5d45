"""Thread pool whose workers each open their own session from the module-level factory.

Only the factory is shared; every task creates, commits and closes its own session
(DESIGN.md SES007: per-call sessions are fine).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from images.db import SessionLocal
from images.models import Image
from images.processing import dominant_colour


def analyse(image_id: int) -> None:
    with SessionLocal.begin() as session:
        image = session.get(Image, image_id)
        image.dominant_colour = dominant_colour(image.path)


def main() -> None:
    with SessionLocal() as session:
        ids = list(session.scalars(select(Image.id).where(Image.dominant_colour.is_(None))))
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(analyse, ids))


if __name__ == "__main__":
    main()
