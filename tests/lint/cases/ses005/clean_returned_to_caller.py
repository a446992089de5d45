"""Factory wrapper that returns the new session: the caller owns and closes it.

DESIGN.md SES005: a session "returned ... for an owner to close" is not a finding here;
the caller uses `with new_session() as session:`.
"""
from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.settings import DATABASE_URL, STATEMENT_TIMEOUT_MS

engine = create_engine(DATABASE_URL, pool_pre_ping=True)
_factory = sessionmaker(bind=engine, expire_on_commit=False)


@event.listens_for(engine, "connect")
def _set_timeout(dbapi_connection, connection_record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {int(STATEMENT_TIMEOUT_MS)}")


def new_session(read_only: bool = False) -> Session:
    session = _factory()
    if read_only:
        session.info["read_only"] = True
    return session


def count_rows(table: str) -> int:
    from sqlalchemy import text

    with new_session(read_only=True) as session:
        return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
