"""A `begin()` block, then later work committed after the block has exited.

After the block exits its transaction is committed; the later `commit()` belongs to a new
transaction started by autobegin, outside any `begin()` block (DESIGN.md SES010 only
covers calls inside the block).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from migrations.db import engine
from migrations.models import Setting, User


def migrate_user_settings() -> int:
    with Session(engine) as session:
        with session.begin():
            users = session.scalars(select(User).where(User.settings_json.is_not(None))).all()
            for user in users:
                session.add_all(Setting(user_id=user.id, key=k, value=v) for k, v in user.settings_json.items())
        for user in users:
            user.settings_json = None
        session.commit()
        return len(users)
