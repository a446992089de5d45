"""A module-level shared session: reported as SES007 only, never also SES005.

DESIGN.md "Overlaps and edge decisions": "a shared session is reported as SES007 only,
never also SES005". The marker is SES007 on the creating line.
"""
from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from quotes.models import Quote

engine = create_engine("sqlite:///quotes.db")
session = Session(engine)  # error: SES007


def random_quote() -> Quote | None:
    from sqlalchemy import func

    return session.scalars(select(Quote).order_by(func.random()).limit(1)).first()


def add_quote(text: str, author: str) -> None:
    session.add(Quote(text=text, author=author))
    session.flush()
