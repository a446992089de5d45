"""Click CLI command that obtains its own session and commits once.

A Click command is an entry point that obtains its own session (DESIGN.md "What owns a
session"), so its commit is the owner's. The helper it calls only adds.
"""
from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.db import SessionLocal
from shop.models import Coupon


def create_coupons(session: Session, prefix: str, count: int, percent: int) -> list[Coupon]:
    existing = set(session.scalars(select(Coupon.code).where(Coupon.code.startswith(prefix))))
    coupons = []
    for index in range(count):
        code = f"{prefix}-{index:05d}"
        if code not in existing:
            coupons.append(Coupon(code=code, percent_off=percent))
    session.add_all(coupons)
    return coupons


@click.command()
@click.option("--prefix", required=True, help="Code prefix, e.g. SPRING24")
@click.option("--count", default=100, show_default=True)
@click.option("--percent", default=10, show_default=True)
def generate_coupons(prefix: str, count: int, percent: int) -> None:
    """Generate discount coupons."""
    with SessionLocal() as session:
        created = create_coupons(session, prefix.upper(), count, percent)
        session.commit()
    click.echo(f"created {len(created)} coupons")


if __name__ == "__main__":
    generate_coupons()
