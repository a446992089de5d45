"""Alembic data migration binds a `Session` to the migration's connection held in `c`.

Modelled on a real hub's migration (found by running the linter on the whole project):
`c = op.get_bind()` is the connection Alembic opened for the migration, and inside an
`if "api_tokens" in tables:` block a `Session(bind=c)` rewrites rows and commits. The
session never checks out a connection of its own (it uses Alembic's, which Alembic
closes), so leaving it unclosed leaks nothing: not SES005, whatever the variable holding
`op.get_bind()` is called (the model already accepts it when the variable is `bind`).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm.session import Session

from hub import orm, roles

revision = "651f5419b74d"
down_revision = "833da8570507"


def upgrade() -> None:
    c = op.get_bind()
    tables = sa.inspect(c.engine).get_table_names()
    if "api_tokens" in tables:
        op.add_column("api_tokens", sa.Column("scopes", orm.JSONList(), nullable=True))
        db = Session(bind=c)
        for token in db.query(orm.APIToken):
            token.scopes = list(roles.roles_to_scopes(token.roles))
        db.commit()
        op.drop_table("api_token_role_map")


def downgrade() -> None:
    op.drop_column("api_tokens", "scopes")
