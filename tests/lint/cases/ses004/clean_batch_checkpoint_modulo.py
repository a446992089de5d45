"""Batch backfill with a checkpoint commit every 1,000 rows, guarded by a modulo.

DESIGN.md "Overlaps and edge decisions": a checkpoint commit guarded by a batch-size
condition (`if n % 1000 == 0: session.commit()`) in a batch job is deliberate, not SES004.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from search.db import SessionLocal
from search.models import Article
from search.text import normalise

log = logging.getLogger(__name__)
BATCH_SIZE = 1000


def backfill_search_text() -> int:
    processed = 0
    with SessionLocal() as session:
        articles = session.scalars(
            select(Article).where(Article.search_text.is_(None)).execution_options(yield_per=BATCH_SIZE)
        )
        for processed, article in enumerate(articles, start=1):
            article.search_text = normalise(article.title, article.body)
            if processed % BATCH_SIZE == 0:
                session.commit()
                log.info("backfilled %d articles", processed)
        session.commit()
    return processed
