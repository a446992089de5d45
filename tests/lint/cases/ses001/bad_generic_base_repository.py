"""Generic base repository whose `add`/`delete` commit `self.session`.

Every concrete repository inherits the commit, so a service that uses two repositories
commits twice per request (DESIGN.md SES001: `self.<attr>` assigned from a parameter).
"""
from __future__ import annotations

from typing import Generic, Optional, Sequence, Type, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Base, Team, User

ModelT = TypeVar("ModelT", bound=Base)


class BaseRepository(Generic[ModelT]):
    model: Type[ModelT]

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, pk: int) -> Optional[ModelT]:
        return self.session.get(self.model, pk)

    def list(self, offset: int = 0, limit: int = 50) -> Sequence[ModelT]:
        return self.session.scalars(select(self.model).offset(offset).limit(limit)).all()

    def add(self, obj: ModelT) -> ModelT:
        self.session.add(obj)
        self.session.commit()  # error: SES001
        self.session.refresh(obj)
        return obj

    def delete(self, obj: ModelT) -> None:
        self.session.delete(obj)
        self.session.commit()  # error: SES001


class UserRepository(BaseRepository[User]):
    model = User


class TeamRepository(BaseRepository[Team]):
    model = Team
