"""Module-level session shared by `ThreadPoolExecutor` workers of a sync job.

Sessions are not thread-safe; the workers interleave on one connection and identity map
(DESIGN.md SES007: "requests, threads or tasks share it").
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from images.models import Image
from images.processing import dominant_colour

engine = create_engine("postgresql+psycopg://images@localhost/images", pool_size=4)
session = Session(engine)  # error: SES007


def analyse(image_id: int) -> None:
    image = session.get(Image, image_id)
    image.dominant_colour = dominant_colour(image.path)


def main() -> None:
    ids = list(session.scalars(select(Image.id).where(Image.dominant_colour.is_(None))))
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(analyse, ids))
    session.commit()


if __name__ == "__main__":
    main()
