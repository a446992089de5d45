"""Import script with one module-level `Session` shared by helper functions.

`save_station` commits the module-level session from inside a helper (DESIGN.md
SES001: "a module-level/scoped session used inside a helper"). The module-level
instance is also a shared session, SES007, anchored on the line that creates it.
"""
from __future__ import annotations

import csv
import sys

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from weather.models import Station

engine = create_engine("sqlite:///weather.db")
session = Session(engine)  # error: SES007


def find_station(code: str) -> Station | None:
    return session.scalars(select(Station).where(Station.code == code)).first()


def save_station(row: dict[str, str]) -> Station:
    station = find_station(row["code"]) or Station(code=row["code"])
    station.name = row["name"]
    station.latitude = float(row["lat"])
    station.longitude = float(row["lon"])
    session.add(station)
    session.commit()  # error: SES001
    return station


def load(path: str) -> int:
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return len([save_station(row) for row in rows])


if __name__ == "__main__":
    print(load(sys.argv[1]))
