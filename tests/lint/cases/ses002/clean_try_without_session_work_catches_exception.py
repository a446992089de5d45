"""`except Exception` around an HTTP call only; the session is used afterwards.

No session work happens in the `try`, so the handler cannot swallow a database error
(DESIGN.md SES002: "a database error raised by session work in its `try`").
"""
from __future__ import annotations

import logging

import httpx
from sqlalchemy.orm import Session

from geo.models import Address

log = logging.getLogger(__name__)


def geocode(session: Session, address: Address) -> None:
    try:
        response = httpx.get(
            "https://geocoder.example.com/search", params={"q": address.one_line()}, timeout=5
        )
        response.raise_for_status()
        result = response.json()["results"][0]
    except Exception:
        log.warning("geocoding failed for address %s", address.id)
        address.geocode_status = "failed"
        session.flush()
        return
    address.latitude = result["lat"]
    address.longitude = result["lon"]
    address.geocode_status = "ok"
    session.flush()
