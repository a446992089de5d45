"""SQLModel app creating `session = Session(engine)` once and using it in routes.

(DESIGN.md SES007: SQLModel `Session` is a session; one instance shared by requests.)
"""
from __future__ import annotations

from fastapi import FastAPI
from sqlmodel import Field, Session, SQLModel, create_engine, select


class Movie(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str
    year: int


engine = create_engine("sqlite:///movies.db", connect_args={"check_same_thread": False})
session = Session(engine)  # error: SES007
app = FastAPI()


@app.get("/movies")
def list_movies(year: int | None = None) -> list[Movie]:
    stmt = select(Movie)
    if year is not None:
        stmt = stmt.where(Movie.year == year)
    return list(session.exec(stmt))


@app.post("/movies")
def add_movie(movie: Movie) -> Movie:
    session.add(movie)
    session.commit()
    session.refresh(movie)
    return movie
