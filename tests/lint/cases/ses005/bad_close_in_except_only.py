"""The session is closed when something fails, but not when everything succeeds.

`close()` sits in the `except` branch only; the normal return leaks the session
(DESIGN.md SES005: not closed on every path).
"""
from __future__ import annotations

import logging

from geo.db import SessionLocal
from geo.models import Country

log = logging.getLogger(__name__)


def country_names(codes: list[str]) -> dict[str, str]:
    session = SessionLocal()  # error: SES005
    try:
        countries = session.query(Country).filter(Country.code.in_(codes)).all()
    except Exception:
        log.exception("country lookup failed")
        session.close()
        raise
    return {country.code: country.name for country in countries}
