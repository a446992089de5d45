"""`except sa_exc.IntegrityError` through a module alias, then the session is reused.

`import sqlalchemy.exc as sa_exc` must resolve to the same class as a direct import.
The caller's session outlives the helper (DESIGN.md SES002).
"""
from __future__ import annotations

import sqlalchemy.exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.models import Page, PageRevision


def save_revision(session: Session, page: Page, author_id: int, body: str) -> PageRevision:
    revision = PageRevision(page=page, author_id=author_id, body=body, number=page.revision_count + 1)
    session.add(revision)
    try:
        session.flush()
    except sa_exc.IntegrityError:  # error: SES002
        latest = session.scalars(
            select(PageRevision).where(PageRevision.page_id == page.id).order_by(PageRevision.number.desc())
        ).first()
        revision.number = (latest.number if latest else 0) + 1
    page.revision_count = revision.number
    return revision
