"""Engine and first-run initialisation."""
from __future__ import annotations

from sqlmodel import Session, create_engine, select

from app.core.config import settings
from app.models import User

engine = create_engine(str(settings.SQLALCHEMY_DATABASE_URI))


def init_db() -> None:
    with Session(engine) as session:
        admin = session.exec(select(User).where(User.email == settings.FIRST_SUPERUSER)).first()
        if admin is None:
            session.add(User(email=settings.FIRST_SUPERUSER, is_superuser=True, hashed_password="!"))
            session.commit()
