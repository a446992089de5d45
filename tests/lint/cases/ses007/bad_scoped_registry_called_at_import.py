"""`session = Session()` where `Session` is a `scoped_session`, called at import time.

Calling the registry at module level returns the *importing thread's* session and binds it
to a plain name; worker threads then all use that one instance instead of their own
(DESIGN.md SES007: the registry is fine, a shared instance from it is not).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, select
from sqlalchemy.orm import scoped_session, sessionmaker

from crawler.fetch import fetch_title
from crawler.models import Url

engine = create_engine("postgresql+psycopg://crawler@localhost/crawler", pool_size=8)
Session = scoped_session(sessionmaker(bind=engine))
session = Session()  # error: SES007


def refresh_title(url_id: int) -> None:
    url = session.get(Url, url_id)
    url.title = fetch_title(url.address)
    session.flush()


def refresh_all(limit: int = 500) -> None:
    ids = list(session.scalars(select(Url.id).where(Url.title.is_(None)).limit(limit)))
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(refresh_title, ids))
