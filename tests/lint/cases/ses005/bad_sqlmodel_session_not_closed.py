"""SQLModel `Session(engine)` opened in a function and never closed.

SQLModel's `Session` is a SQLAlchemy session; without `with Session(engine) as session:`
it leaks (DESIGN.md SES005).
"""
from __future__ import annotations

from sqlmodel import Field, Session, SQLModel, create_engine, select


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    headquarters: str


engine = create_engine("sqlite:///teams.db")


def team_names() -> list[str]:
    session = Session(engine)  # error: SES005
    teams = session.exec(select(Team).order_by(Team.name)).all()
    return [team.name for team in teams]
