"""Route turns an `IntegrityError` into a 409 response; its dependency commits afterwards.

The handler returns instead of raising, so `get_db` reaches `session.commit()` with the
failed session, which raises `PendingRollbackError` and turns the 409 into a 500
(DESIGN.md SES002: the session is a parameter and is used again after the function).
"""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from signup.db import SessionLocal
from signup.models import Account
from signup.schemas import AccountIn


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session
        session.commit()


DbSession = Annotated[Session, Depends(get_db, scope="function")]
app = FastAPI()


@app.post("/accounts", status_code=201)
def create_account(data: AccountIn, db: DbSession):
    account = Account(email=data.email.lower(), display_name=data.display_name)
    db.add(account)
    try:
        db.flush()
    except IntegrityError:  # error: SES002
        return JSONResponse(status_code=409, content={"detail": "email already registered"})
    return {"id": account.id}
