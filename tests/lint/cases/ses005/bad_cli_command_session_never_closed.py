"""Click command opening a session from the factory and never closing it.

The command runs while the process lives; if it is also called from other commands or
a long-running shell, every call leaks a connection (DESIGN.md SES005). Shape taken from
a real project's CLI.
"""
from __future__ import annotations

import click
from sqlalchemy import select

from ops.db import SessionLocal
from ops.models import Plugin


@click.command()
def list_plugins() -> None:
    db_session = SessionLocal()  # error: SES005
    for plugin in db_session.scalars(select(Plugin).order_by(Plugin.title)):
        click.echo(f"{plugin.slug}\t{plugin.version}\t{plugin.enabled}")
