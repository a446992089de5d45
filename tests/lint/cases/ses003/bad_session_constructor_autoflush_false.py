"""`Session(engine, autoflush=False)` in a script: queries miss the rows just added.

`existing` is looked up after `session.add(...)` of the same SKU earlier in the loop, but
without autoflush the lookup does not see it, and the flush at commit hits the unique
constraint (DESIGN.md SES003).
"""
from __future__ import annotations

import csv
import sys

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from catalog.models import Product

engine = create_engine("sqlite:///catalog.db")


def load(path: str) -> None:
    with Session(engine, autoflush=False) as session:  # error: SES003
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                existing = session.scalars(select(Product).where(Product.sku == row["sku"])).first()
                if existing is None:
                    session.add(Product(sku=row["sku"], name=row["name"]))
                else:
                    existing.name = row["name"]
        session.commit()


if __name__ == "__main__":
    load(sys.argv[1])
