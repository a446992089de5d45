"""What does `unit_of_work` (guard on) cost next to a hand-written `with factory.begin()`?

Usage:
    python bench/runtime_overhead.py [--repeat N] [--sqlite-transactions N]
                                     [--postgres-transactions N] [--postgres-url URL]

Each transaction inserts one ORM row. For each backend (in-memory SQLite, then
PostgreSQL if reachable) the two variants run as batches, alternating round
after round (the first variant of each round also alternates), so that machine
noise spreads over both. It prints, per variant, the median time per
transaction and the min-max over rounds, then the ratio of the medians against
the targets of issue 4 (<= 1.05 on SQLite, <= 1.02 on PostgreSQL).

Importing `sessionsafe.runtime` registers class-level listeners that every
session pays for, with or without a unit of work. So a third variant,
``begin, no sessionsafe``, runs the baseline with those listeners removed.

Finally it times `ensure_usable` on a healthy session (idle, and inside a
transaction holding a connection) in nanoseconds per call.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import statistics
import sys
import time
import timeit
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

DEFAULT_POSTGRES_URL = os.environ.get(
    "SESSIONSAFE_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TARGETS = {"sqlite": 1.05, "postgresql": 1.02}


def make_model(table_name: str) -> Any:
    base: Any = type("Base", (DeclarativeBase,), {})
    return type(
        "Row",
        (base,),
        {
            "__tablename__": table_name,
            "id": mapped_column(primary_key=True),
            "value": mapped_column(),
            "__annotations__": {"id": Mapped[int], "value": Mapped[int]},
        },
    )


def time_begin_blocks(factory: sessionmaker[Any], model: Any, count: int) -> float:
    """Seconds for `count` hand-written `with factory.begin()` one-row transactions."""
    gc.collect()
    start = time.perf_counter()
    for value in range(count):
        with factory.begin() as session:
            session.add(model(value=value))
    return time.perf_counter() - start


def time_units(factory: sessionmaker[Any], model: Any, count: int) -> float:
    """Seconds for `count` `unit_of_work` one-row transactions (guard="raise")."""
    from sessionsafe.runtime import unit_of_work

    gc.collect()
    start = time.perf_counter()
    for value in range(count):
        with unit_of_work(factory) as session:
            session.add(model(value=value))
    return time.perf_counter() - start


@contextlib.contextmanager
def sessionsafe_listeners_removed() -> Iterator[None]:
    """Take sessionsafe's class-level listeners off `Session`/`Engine` for a while.

    Importing `sessionsafe.runtime` registers them for every session of the
    process, so "begin, no sessionsafe" shows what that registration costs.
    """
    from sessionsafe.runtime import _events

    registrations: list[tuple[Any, str, Callable[..., Any]]] = [
        (Session, "after_begin", _events._after_begin),
        (Session, "before_commit", _events._before_commit),
        (Session, "after_commit", _events._after_commit),
        (Session, "after_soft_rollback", _events._after_soft_rollback),
        (Engine, "handle_error", _events._handle_error),
    ]
    for target, name, listener in registrations:
        event.remove(target, name, listener)
    try:
        yield
    finally:
        for target, name, listener in registrations:
            event.listen(target, name, listener)


def time_begin_blocks_without_sessionsafe(
    factory: sessionmaker[Any], model: Any, count: int
) -> float:
    with sessionsafe_listeners_removed():
        return time_begin_blocks(factory, model, count)


@dataclass
class Series:
    name: str
    per_transaction_us: list[float] = field(default_factory=list)

    def add(self, seconds: float, count: int) -> None:
        self.per_transaction_us.append(seconds / count * 1e6)

    @property
    def median(self) -> float:
        return statistics.median(self.per_transaction_us)

    def describe(self) -> str:
        low, high = min(self.per_transaction_us), max(self.per_transaction_us)
        return f"{self.name:<28} median {self.median:9.2f} us/txn   min-max {low:8.2f}-{high:8.2f}"


def bench_backend(label: str, url: str, count: int, repeat: int) -> float:
    engine = create_engine(url)
    model = make_model(f"bench_{uuid.uuid4().hex[:10]}")
    model.metadata.create_all(engine)
    factory = sessionmaker(engine)
    variants: list[tuple[Series, Callable[[], float]]] = [
        (Series("begin (hand-written)"), lambda: time_begin_blocks(factory, model, count)),
        (Series("unit_of_work (guard on)"), lambda: time_units(factory, model, count)),
        (
            Series("begin, no sessionsafe"),
            lambda: time_begin_blocks_without_sessionsafe(factory, model, count),
        ),
    ]
    time_units(factory, model, min(count, 500))  # warm up imports, caches, pool
    time_begin_blocks(factory, model, min(count, 500))
    try:
        for round_number in range(repeat):
            ordered = variants if round_number % 2 == 0 else [variants[1], variants[0], variants[2]]
            for series, run in ordered:
                series.add(run(), count)
    finally:
        if not url.startswith("sqlite"):
            model.metadata.drop_all(engine)
        engine.dispose()
    print(f"\n== {label}: {count} one-row-insert transactions per batch, {repeat} rounds")
    for series, _ in variants:
        print("  " + series.describe())
    begin, unit, isolated = (series for series, _ in variants)
    ratio = unit.median / begin.median
    target = TARGETS["sqlite" if url.startswith("sqlite") else "postgresql"]
    verdict = "OK" if ratio <= target else "ABOVE TARGET"
    print(f"  ratio unit_of_work / begin          {ratio:.3f}   (target <= {target}: {verdict})")
    print(f"  ratio unit_of_work / no sessionsafe {unit.median / isolated.median:.3f}")
    print(f"  ratio begin / no sessionsafe        {begin.median / isolated.median:.3f}")
    return ratio


def bench_ensure_usable(url: str) -> None:
    from sessionsafe.runtime import ensure_usable

    engine = create_engine(url)
    factory = sessionmaker(engine)
    calls = 200_000
    with factory() as idle:
        idle_ns = min(timeit.repeat(lambda: ensure_usable(idle), number=calls, repeat=5))
    with factory() as busy:
        busy.execute(text("SELECT 1"))
        busy_ns = min(timeit.repeat(lambda: ensure_usable(busy), number=calls, repeat=5))
    engine.dispose()
    print(f"\n== ensure_usable on a healthy session ({url.split(':')[0]}, best of 5 x {calls})")
    print(f"  idle (no transaction)            {idle_ns / calls * 1e9:7.0f} ns/call")
    print(f"  in a transaction, connection held {busy_ns / calls * 1e9:6.0f} ns/call")


def postgres_reachable(url: str) -> bool:
    try:
        engine = create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception as error:
        print(f"\n(PostgreSQL skipped: {type(error).__name__}: {error})")
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds per backend (default 7)")
    parser.add_argument("--sqlite-transactions", type=int, default=20_000)
    parser.add_argument("--postgres-transactions", type=int, default=2_000)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, SQLAlchemy {__import__('sqlalchemy').__version__}")
    bench_backend("SQLite in memory", "sqlite://", args.sqlite_transactions, args.repeat)
    bench_ensure_usable("sqlite://")
    if postgres_reachable(args.postgres_url):
        bench_backend(
            "PostgreSQL (psycopg 3)", args.postgres_url, args.postgres_transactions, args.repeat
        )
        bench_ensure_usable(args.postgres_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
