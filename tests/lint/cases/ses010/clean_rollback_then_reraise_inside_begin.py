"""`rollback()` in a handler inside a `begin()` block, followed directly by `raise`.

The block is left with the error at once; its exit finds the transaction already rolled
back and nothing else runs in the block (reference/semantics.md §4: only later work in the
block fails). Redundant, but not the bug SES010 reports.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from links.db import SessionLocal
from links.models import Link


def shorten(url: str, slug: str) -> str:
    with SessionLocal.begin() as session:
        try:
            session.add(Link(url=url, slug=slug))
            session.flush()
        except IntegrityError:
            session.rollback()
            raise
        return slug
