"""Click import command: Core INSERT per row, duplicates skipped, same session reused.

A Core statement through `session.execute()` that fails does not mark the session failed,
but on PostgreSQL the transaction is aborted: every later row fails and the final commit
silently rolls back everything (reference/semantics.md §2; DESIGN.md SES002, used again in
the next iteration).
"""
from __future__ import annotations

import json

import click
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from geo.db import SessionLocal
from geo.models import city_table


@click.command()
@click.argument("dump", type=click.File("r"))
def load_cities(dump) -> None:
    """Load cities from a JSON-lines dump."""
    inserted = duplicates = 0
    with SessionLocal() as session:
        for line in dump:
            city = json.loads(line)
            try:
                session.execute(insert(city_table).values(geoname_id=city["id"], name=city["name"], country=city["cc"]))
                inserted += 1
            except IntegrityError:  # error: SES002
                duplicates += 1
        session.commit()
    click.echo(f"{inserted} inserted, {duplicates} duplicates")
