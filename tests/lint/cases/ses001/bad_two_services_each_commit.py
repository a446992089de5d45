"""Seed 004: two business functions each commit, the caller owns the session.

`main` creates the session and is the owner; `create_user` and `create_post` commit the
session they receive, so a failure in `create_post` leaves a user without a post
(DESIGN.md SES001, anchor: each `commit` call). `main`'s own commit is fine.
"""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from blog.models import Post, User

engine = create_engine("postgresql+psycopg://blog@localhost/blog")


def create_user(session: Session, email: str) -> User:
    user = User(email=email)
    session.add(user)
    session.commit()  # error: SES001
    return user


def create_post(session: Session, user: User, title: str) -> Post:
    post = Post(title=title, user=user)
    session.add(post)
    session.commit()  # error: SES001
    return post


def main() -> None:
    with Session(engine) as session:
        user = create_user(session, "king.arthur@camelot.bt")
        create_post(session, user, "SQLAlchemy: stop calling session.commit()")
        session.commit()


if __name__ == "__main__":
    main()
