"""Module-level `scoped_session` registry used from functions running in many threads.

Each worker thread gets its own session from the registry and `remove()`s it when done
(DESIGN.md SES007: "`scoped_session` and factories are fine"). The writes happen once, in
`main`, on a session it creates.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, select
from sqlalchemy.orm import scoped_session, sessionmaker

from crawler.fetch import fetch_title
from crawler.models import Url

engine = create_engine("postgresql+psycopg://crawler@localhost/crawler", pool_size=8)
SessionLocal = sessionmaker(bind=engine)
Session = scoped_session(SessionLocal)


def title_for(url_id: int) -> tuple[int, str]:
    try:
        address = Session.scalar(select(Url.address).where(Url.id == url_id))
        return url_id, fetch_title(address)
    finally:
        Session.remove()


def main(limit: int = 500) -> None:
    with SessionLocal() as session:
        urls = {u.id: u for u in session.scalars(select(Url).where(Url.title.is_(None)).limit(limit))}
        with ThreadPoolExecutor(max_workers=8) as pool:
            for url_id, title in pool.map(title_for, list(urls)):
                urls[url_id].title = title
        session.commit()


if __name__ == "__main__":
    main()
