"""`sessionmaker(bind=engine, autoflush=True, expire_on_commit=False)`.

Explicitly enabling autoflush (the default) is not a finding (issue 3, SES003).
"""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("postgresql+psycopg://app@localhost/app", pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, autoflush=True, expire_on_commit=False)
