"""`config.py` creating one session for the whole application to import.

The module never uses the session itself: it exists to be imported by the CLI, the
services and the seed script, which all share the one instance (DESIGN.md SES007).
"""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite:///data.db")
Session = sessionmaker(bind=engine)
session = Session()  # error: SES007
