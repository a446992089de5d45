"""SQLModel session with `session.begin()` and an inner `session.commit()`.

SQLModel's `Session` is a SQLAlchemy session; the inner commit ends the block's
transaction early and the hero's team assignment after it fails (DESIGN.md SES010).
"""
from __future__ import annotations

from sqlmodel import Field, Session, SQLModel, create_engine


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str


class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    team_id: int | None = Field(default=None, foreign_key="team.id")


engine = create_engine("sqlite:///heroes.db")


def create_team_with_hero(team_name: str, hero_name: str) -> int:
    with Session(engine) as session:
        with session.begin():
            team = Team(name=team_name)
            session.add(team)
            session.commit()  # error: SES010
            session.add(Hero(name=hero_name, team_id=team.id))
        return team.id
