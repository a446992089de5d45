"""Standard-library `sqlite3` connection committed per chunk in a loop.

`conn.commit()` is a `sqlite3.Connection` method, not a SQLAlchemy session
(DESIGN.md: sqlite3 `.commit()` is never a finding).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator


def chunks(rows: Iterable[tuple[str, float]], size: int) -> Iterator[list[tuple[str, float]]]:
    chunk: list[tuple[str, float]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_cache(path: str, rows: Iterable[tuple[str, float]]) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS prices (sku TEXT PRIMARY KEY, price REAL)")
        for chunk in chunks(rows, 500):
            conn.executemany("INSERT OR REPLACE INTO prices VALUES (?, ?)", chunk)
            conn.commit()
    finally:
        conn.close()
