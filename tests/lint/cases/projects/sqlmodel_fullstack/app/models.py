"""SQLModel tables."""
from __future__ import annotations

import uuid

from sqlmodel import Field, SQLModel


class User(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=255)
    is_superuser: bool = False
    hashed_password: str


class Item(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    title: str = Field(max_length=255)
    sku: str = Field(unique=True, max_length=64)
    owner_id: uuid.UUID = Field(foreign_key="user.id", nullable=False)
