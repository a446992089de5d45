"""Dependency that commits *before* `yield` (records the API call), then only closes.

The commit before `yield` runs before the route, hence before the response; after `yield`
there is no commit (DESIGN.md SES013).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session

from metering.db import SessionLocal
from metering.models import ApiCall

app = FastAPI()


def metered_db(request: Request) -> Iterator[Session]:
    with SessionLocal() as session:
        session.add(ApiCall(path=request.url.path, key=request.headers.get("x-api-key", ""), at=datetime.now(timezone.utc)))
        session.commit()
        yield session


@app.get("/quotes/{symbol}")
def quote(symbol: str, db: Session = Depends(metered_db)) -> dict[str, str]:
    return {"symbol": symbol.upper()}
