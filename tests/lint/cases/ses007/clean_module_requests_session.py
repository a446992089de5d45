"""Module-level `requests.Session()` shared by functions, next to SQLAlchemy code.

An HTTP session is not a SQLAlchemy session; sharing it is the intended use
(DESIGN.md SES007 is about SQLAlchemy `Session` instances).
"""
from __future__ import annotations

import requests
from sqlalchemy.orm import Session

from rates.models import Rate

session = requests.Session()
session.headers.update({"User-Agent": "rates-sync/1.0"})


def fetch(base: str) -> dict[str, float]:
    response = session.get("https://api.example.com/latest", params={"base": base}, timeout=10)
    response.raise_for_status()
    return response.json()["rates"]


def store(db: Session, base: str) -> int:
    rates = fetch(base)
    db.add_all(Rate(base=base, quote=quote, value=value) for quote, value in rates.items())
    db.flush()
    return len(rates)
