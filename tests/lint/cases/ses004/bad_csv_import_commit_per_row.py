"""CSV import committing after every row on one session created before the loop.

Each row becomes its own transaction: a failure on row 5,000 leaves 4,999 rows committed
and the import cannot simply be re-run (DESIGN.md SES004, anchor: the `commit` call).
"""
from __future__ import annotations

import csv
import sys

from catalog.db import SessionLocal
from catalog.models import Product


def import_products(path: str) -> int:
    count = 0
    with open(path, newline="") as handle, SessionLocal() as session:
        for row in csv.DictReader(handle):
            product = Product(sku=row["sku"], name=row["name"], price_cents=int(row["price_cents"]))
            session.add(product)
            session.commit()  # error: SES004
            count += 1
    return count


if __name__ == "__main__":
    print(import_products(sys.argv[1]))
