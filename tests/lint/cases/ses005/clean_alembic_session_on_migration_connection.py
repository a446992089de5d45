"""Alembic data migration: `Session(bind=op.get_bind())` without `close()`.

The session is joined to the migration's own connection, which Alembic owns and closes;
closing the session would only hand that connection back (SES005 does not report
sessions bound to a caller's connection). Pattern seen in many real migrations.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "3b0f5b81376f"
down_revision = "2a1c9e0d4f11"

incidents = sa.table("incident", sa.column("id", sa.Integer), sa.column("status", sa.String))


def upgrade() -> None:
    bind = op.get_bind()
    session = Session(bind=bind)
    session.execute(incidents.update().where(incidents.c.status == "Active").values(status="Open"))
    session.flush()


def downgrade() -> None:
    pass
