"""Multi-line `sessionmaker(...)` call: the anchor is the line of the `autoflush=False` keyword.

DESIGN.md SES003 anchors on "the `autoflush=False` keyword", not on the call's first line.
"""
from __future__ import annotations

import os

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine(
    os.environ["DATABASE_URL"],
    pool_size=int(os.environ.get("DB_POOL_SIZE", "5")),
    pool_pre_ping=True,
)

SessionFactory = sessionmaker(
    bind=engine,
    class_=Session,
    expire_on_commit=False,
    autoflush=False,  # error: SES003
)
