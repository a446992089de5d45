"""`Annotated[Session, Depends(get_session, scope="function")]` alias used by every route.

All use sites go through the alias, which sets function scope, so the commit after
`yield` happens before the response (DESIGN.md SES013).
"""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, FastAPI
from sqlmodel import Session, create_engine, select

from heroes.models import Hero

engine = create_engine("postgresql+psycopg://heroes@localhost/heroes")


def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.commit()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
app = FastAPI()


@app.post("/heroes")
def create_hero(hero: Hero, session: SessionDep) -> Hero:
    session.add(hero)
    session.flush()
    return hero


@app.get("/heroes")
def list_heroes(session: SessionDep) -> list[Hero]:
    return list(session.exec(select(Hero)))
