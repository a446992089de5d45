"""`SessionDep = Annotated[Session, Depends(get_session)]` with a commit after `yield`.

The alias hides the `Depends(...)` call but it still uses the default (request) scope,
so the commit runs after the response (DESIGN.md SES013).
"""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, FastAPI
from sqlmodel import Session, create_engine

from heroes.models import Hero

engine = create_engine("postgresql+psycopg://heroes@localhost/heroes")


def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.commit()  # error: SES013


SessionDep = Annotated[Session, Depends(get_session)]
app = FastAPI()


@app.post("/heroes")
def create_hero(hero: Hero, session: SessionDep) -> Hero:
    session.add(hero)
    session.flush()
    return hero
