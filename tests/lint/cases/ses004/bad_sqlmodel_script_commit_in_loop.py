"""SQLModel seeding script committing each hero inside the loop.

The session is created by `with Session(engine)` before the loop (DESIGN.md SES004);
`main` owns it, so there is no SES001.
"""
from __future__ import annotations

from sqlmodel import Field, Session, SQLModel, create_engine


class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    secret_name: str
    age: int | None = None


HEROES = [("Deadpond", "Dive Wilson", None), ("Spider-Boy", "Pedro Parqueador", None), ("Rusty-Man", "Tommy Sharp", 48)]
engine = create_engine("sqlite:///database.db")


def main() -> None:
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        for name, secret_name, age in HEROES:
            session.add(Hero(name=name, secret_name=secret_name, age=age))
            session.commit()  # error: SES004


if __name__ == "__main__":
    main()
