"""A sub-dependency (`get_current_user`) commits the request's session to bump `last_seen`.

It is neither the session's creator (`get_db` is) nor a request handler, so it does not own
the unit of work: its commit makes `last_seen` durable before the route has even run, and
splits the request into two transactions (DESIGN.md SES001, session received as a
parameter via `Depends(get_db)`).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.db import SessionLocal
from accounts.models import User
from accounts.tokens import user_id_from_token

app = FastAPI()
oauth2 = OAuth2PasswordBearer(tokenUrl="/token")


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session


def get_current_user(token: str = Depends(oauth2), db: Session = Depends(get_db)) -> User:
    user = db.scalars(select(User).where(User.id == user_id_from_token(token))).first()
    if user is None or not user.active:
        raise HTTPException(status_code=401, detail="invalid token")
    user.last_seen = datetime.now(timezone.utc)
    db.commit()  # error: SES001
    return user


@app.get("/me")
def read_me(user: User = Depends(get_current_user)) -> dict[str, str]:
    return {"email": user.email}
