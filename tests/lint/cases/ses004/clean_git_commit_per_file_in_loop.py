"""Docs exporter committing to a git repository once per page, inside a loop.

`repo.index.commit()` is GitPython; the SQLAlchemy session is only read
(DESIGN.md: `.commit()` on git objects is never a finding).
"""
from __future__ import annotations

from pathlib import Path

from git import Actor, Repo
from sqlalchemy import select

from docs.db import SessionLocal
from docs.models import Page

BOT = Actor("docs-bot", "docs-bot@example.com")


def export_pages(checkout: Path) -> int:
    repo = Repo(checkout)
    exported = 0
    with SessionLocal() as session:
        for page in session.scalars(select(Page).where(Page.dirty.is_(True))):
            target = checkout / f"{page.slug}.md"
            target.write_text(page.markdown)
            repo.index.add([str(target.relative_to(checkout))])
            repo.index.commit(f"docs: update {page.slug}", author=BOT, committer=BOT)
            exported += 1
    return exported
