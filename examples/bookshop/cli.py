"""`python -m bookshop.cli import-books books.csv`: load a catalogue in one transaction."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence

from bookshop import services
from bookshop.db import engine, session_scope
from bookshop.models import Base


def import_books(path: str) -> int:
    added = 0
    with session_scope() as session, open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            book = services.add_book(session, row["isbn"], row["title"], int(row["price_cents"]))
            if book is not None:
                added += 1
    return added


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bookshop")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init-db", help="create the tables")
    importer = commands.add_parser("import-books", help="load books from a CSV file")
    importer.add_argument("csv_file")
    args = parser.parse_args(argv)
    if args.command == "init-db":
        Base.metadata.create_all(engine)
        return 0
    print(f"{import_books(args.csv_file)} books added")
    return 0


if __name__ == "__main__":
    sys.exit(main())
