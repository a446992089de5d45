"""`scoped_session(sessionmaker(autoflush=False, bind=engine))` for a Flask app.

DESIGN.md SES003 covers `scoped_session(...)`; the keyword is inside the inner
`sessionmaker` call.
"""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base, scoped_session, sessionmaker

engine = create_engine("sqlite:////tmp/app.db")
db_session = scoped_session(sessionmaker(autoflush=False, bind=engine))  # error: SES003
Base = declarative_base()
Base.query = db_session.query_property()


def init_db() -> None:
    import app.models

    Base.metadata.create_all(bind=engine)
