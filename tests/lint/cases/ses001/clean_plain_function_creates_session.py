"""Plain function that creates its own session and commits it.

Not an entry point by decorator, but the function creates the session itself, which
makes it the owner (DESIGN.md "What owns a session": "a function that creates it").
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from fx.models import ExchangeRate

engine = create_engine("postgresql+psycopg://fx@localhost/fx", pool_pre_ping=True)
RATES_URL = "https://api.example.com/v1/rates"


def fetch_rates(base: str) -> dict[str, str]:
    response = httpx.get(RATES_URL, params={"base": base}, timeout=10)
    response.raise_for_status()
    return response.json()["rates"]


def import_rates(base: str = "EUR") -> int:
    rates = fetch_rates(base)
    today = date.today()
    with Session(engine) as session:
        for currency, value in rates.items():
            session.merge(ExchangeRate(day=today, base=base, quote=currency, rate=Decimal(value)))
        session.commit()
    return len(rates)
