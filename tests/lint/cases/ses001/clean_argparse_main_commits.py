"""argparse CLI: `main()` creates the session, helpers flush, `main` commits once.

`main` is an entry point that creates its session (DESIGN.md "What owns a session"); the
`rebuild_*` helpers receive it and never commit.
"""
from __future__ import annotations

import argparse
import logging

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from search.db import SessionLocal
from search.models import Document, SearchTerm

log = logging.getLogger("rebuild-index")


def rebuild_terms(session: Session, language: str) -> int:
    session.execute(delete(SearchTerm).where(SearchTerm.language == language))
    counts = session.execute(
        select(Document.keyword, func.count()).where(Document.language == language).group_by(Document.keyword)
    ).all()
    session.add_all(SearchTerm(language=language, term=k, frequency=n) for k, n in counts)
    session.flush()
    return len(counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild the search term table")
    parser.add_argument("languages", nargs="+")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)

    session = SessionLocal()
    try:
        total = sum(rebuild_terms(session, language) for language in args.languages)
        if args.dry_run:
            session.rollback()
        else:
            session.commit()
        log.info("rebuilt %d terms", total)
    finally:
        session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
